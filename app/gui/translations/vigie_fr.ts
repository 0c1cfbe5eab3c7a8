<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>vigie::app::ActionRegistry</name>
    <message>
        <source>Keyboard and mouse</source>
        <translation>Clavier et souris</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Touche</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
</context>
<context>
    <name>vigie::app::AnnotationDialog</name>
    <message>
        <source>Annotate finding</source>
        <translation>Annoter l&apos;anomalie</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
</context>
<context>
    <name>vigie::app::CaseReviewDialog</name>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>ungradable</source>
        <translation>ininterprétable</translation>
    </message>
    <message>
        <source>Compare the readers</source>
        <translation>Comparer les lecteurs</translation>
    </message>
    <message>
        <source>Reading the case and its reference...</source>
        <translation>Lecture du cas et de sa référence...</translation>
    </message>
    <message>
        <source>%1, read by %2. %3</source>
        <extracomment>%1: a CT study or a photograph; %2: the readers&apos; names; %3: whether a reference knows the case.</extracomment>
        <translation>%1, lu par %2. %3</translation>
    </message>
    <message>
        <source>Photograph</source>
        <translation>Photographie</translation>
    </message>
    <message>
        <source>CT study</source>
        <translation>Examen TDM</translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation>personne pour l&apos;instant</translation>
    </message>
    <message>
        <source>Judged against the reference.</source>
        <translation>Comparé à la référence.</translation>
    </message>
    <message>
        <source>No reference knows this case (a truth.json beside it, or experts&apos; reports chosen in Worklist &gt; Reader statistics).</source>
        <translation>Aucune référence ne connaît ce cas (un truth.json à côté de lui, ou des comptes rendus d&apos;experts choisis dans Liste de travail &gt; Statistiques des lecteurs).</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>Anomalie</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Origine</translation>
    </message>
    <message>
        <source>Diam. (mm)</source>
        <translation>Diam. (mm)</translation>
    </message>
    <message>
        <source>Reference nodule</source>
        <translation>Nodule de référence</translation>
    </message>
    <message>
        <source>AI, score %1</source>
        <translation>IA, score %1</translation>
    </message>
    <message>
        <source>added by %1</source>
        <translation>ajoutée par %1</translation>
    </message>
    <message>
        <source>(moved onto nodule %1)</source>
        <translation>(déplacée sur le nodule %1)</translation>
    </message>
    <message>
        <source>(moved off the nodule)</source>
        <translation>(déplacée hors du nodule)</translation>
    </message>
    <message>
        <source>Disputed: the readers disagree, or a call goes against the reference</source>
        <translation>Litigieux : les lecteurs sont en désaccord, ou une décision contredit la référence</translation>
    </message>
    <message>
        <source>found</source>
        <translation>trouvé</translation>
    </message>
    <message>
        <source>MISSED</source>
        <translation>MANQUÉ</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>AI</source>
        <translation>IA</translation>
    </message>
    <message>
        <source>Found by</source>
        <translation>Trouvé par</translation>
    </message>
    <message>
        <source>Missed by</source>
        <translation>Manqué par</translation>
    </message>
    <message>
        <source>p = %1</source>
        <translation>p = %1</translation>
    </message>
    <message>
        <source>(refer)</source>
        <translation>(à adresser)</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Référence</translation>
    </message>
    <message>
        <source>Final (%1)</source>
        <translation>Final (%1)</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Qui</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>Referable DR</source>
        <translation>RD à adresser</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>%1 (%2) on %3: %4</source>
        <extracomment>%1: who; %2: when; %3: on what (a finding, or the case); %4: the comment.</extracomment>
        <translation>%1 (%2) sur %3 : %4</translation>
    </message>
    <message>
        <source>the case</source>
        <translation>le cas</translation>
    </message>
    <message>
        <source>finding %1</source>
        <translation>l&apos;anomalie %1</translation>
    </message>
    <message>
        <source>No comments.</source>
        <translation>Aucun commentaire.</translation>
    </message>
    <message>
        <source>&amp;Next to review</source>
        <translation>Suivant à &amp;revoir</translation>
    </message>
    <message>
        <source>The next disputed finding or false positive; the views go to it</source>
        <translation>L&apos;anomalie litigieuse ou le faux positif suivant ; les vues s&apos;y placent</translation>
    </message>
    <message>
        <source>Comment on the &amp;case...</source>
        <translation>Commenter le &amp;cas...</translation>
    </message>
    <message>
        <source>Comment on the selected &amp;finding...</source>
        <translation>Commenter l&apos;&amp;anomalie sélectionnée...</translation>
    </message>
    <message>
        <source>False positive: the AI&apos;s finding lies on no reference nodule</source>
        <translation>Faux positif : l&apos;anomalie de l&apos;IA ne se trouve sur aucun nodule de référence</translation>
    </message>
    <message>
        <source>Disputed: this referral goes against the reference grade&apos;s</source>
        <translation>Litigieux : cette décision d&apos;adressage contredit celle du grade de référence</translation>
    </message>
    <message>
        <source>Disputed: the readers, or a reader and the AI, disagree on referral</source>
        <translation>Litigieux : les lecteurs, ou un lecteur et l&apos;IA, sont en désaccord sur l&apos;adressage</translation>
    </message>
    <message>
        <source>Select a finding to comment on first</source>
        <translation>Sélectionnez d&apos;abord une anomalie à commenter</translation>
    </message>
    <message>
        <source>The comment was NOT saved: %1</source>
        <extracomment>%1: why the comment was not saved.</extracomment>
        <translation>Le commentaire n&apos;a PAS été enregistré : %1</translation>
    </message>
    <message>
        <source>Comment on the finding</source>
        <translation>Commentaire sur l&apos;anomalie</translation>
    </message>
    <message>
        <source>Comment on the case</source>
        <translation>Commentaire sur le cas</translation>
    </message>
    <message>
        <source>Your comment (the readers see it in the trainer&apos;s view and in teaching files):</source>
        <translation>Votre commentaire (les lecteurs le voient dans la vue du formateur et dans les dossiers pédagogiques) :</translation>
    </message>
</context>
<context>
    <name>vigie::app::CtModelRun</name>
    <message>
        <source>Running the model: %1 ...</source>
        <translation>Exécution du modèle : %1 ...</translation>
    </message>
    <message>
        <source>Model run cancelled</source>
        <translation>Exécution du modèle annulée</translation>
    </message>
    <message>
        <source>Open a CT study first</source>
        <translation>Ouvrez d&apos;abord un examen TDM</translation>
    </message>
    <message>
        <source>Choose a model bundle first (AI &gt; Choose model bundle)</source>
        <translation>Choisissez d&apos;abord un paquet de modèle (IA &gt; Choisir un paquet de modèle)</translation>
    </message>
    <message>
        <source>Running the model ...</source>
        <translation>Exécution du modèle ...</translation>
    </message>
</context>
<context>
    <name>vigie::app::CtReadingController</name>
    <message numerus="yes">
        <source>Axial, middle slice
loading %n slices ...</source>
        <translation>
            <numerusform>Axial, coupe médiane
chargement de %n coupe ...</numerusform>
            <numerusform>Axial, coupe médiane
chargement de %n coupes ...</numerusform>
        </translation>
    </message>
    <message>
        <source>Window and level</source>
        <translation>Fenêtre et niveau</translation>
    </message>
    <message>
        <source> HU</source>
        <translation> UH</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Largeur</translation>
    </message>
    <message>
        <source>Level (centre)</source>
        <translation>Niveau (centre)</translation>
    </message>
    <message>
        <source>Length: left drag in a view</source>
        <translation>Longueur : glisser (bouton gauche) dans une vue</translation>
    </message>
    <message>
        <source>Circular ROI: left drag from its centre</source>
        <translation>ROI circulaire : glisser (bouton gauche) depuis son centre</translation>
    </message>
    <message>
        <source>Window/level on left drag</source>
        <translation>Fenêtre/niveau au glisser (bouton gauche)</translation>
    </message>
    <message>
        <source>The measurement was NOT saved (see Problems)</source>
        <translation>La mesure n&apos;a PAS été enregistrée (voir Problèmes)</translation>
    </message>
    <message>
        <source>Length %1 mm saved</source>
        <translation>Longueur %1 mm enregistrée</translation>
    </message>
    <message>
        <source>ROI mean %1 HU saved</source>
        <translation>ROI : moyenne %1 UH enregistrée</translation>
    </message>
    <message>
        <source>The measurement was NOT withdrawn (see Problems)</source>
        <translation>La mesure n&apos;a PAS été retirée (voir Problèmes)</translation>
    </message>
    <message>
        <source>Measurement withdrawn</source>
        <translation>Mesure retirée</translation>
    </message>
</context>
<context>
    <name>vigie::app::CtReviewController</name>
    <message>
        <source>1 nodule</source>
        <translation>1 nodule</translation>
    </message>
    <message numerus="yes">
        <source>%n nodules</source>
        <translation>
            <numerusform>%n nodule</numerusform>
            <numerusform>%n nodules</numerusform>
        </translation>
    </message>
    <message>
        <source>1 false positive</source>
        <translation>1 faux positif</translation>
    </message>
    <message numerus="yes">
        <source>%n false positives</source>
        <translation>
            <numerusform>%n faux positif</numerusform>
            <numerusform>%n faux positifs</numerusform>
        </translation>
    </message>
    <message>
        <source>You found %1 of %2, with %3.</source>
        <extracomment>%1: how many of the case&apos;s nodules the reader found; %2: &quot;3 nodules&quot;; %3: &quot;1 false positive&quot;.</extracomment>
        <translation>Vous avez trouvé %1 sur %2, avec %3.</translation>
    </message>
    <message>
        <source>nodule %1 (%2 mm at %3 mm)</source>
        <extracomment>%1: the nodule&apos;s number; %2: its diameter; %3: its centre (x, y, z).</extracomment>
        <translation>nodule %1 (%2 mm, centre en %3 mm)</translation>
    </message>
    <message>
        <source>nodule %1 (%2 mm %3 at %4 mm)</source>
        <extracomment>%1: the nodule&apos;s number; %2: its diameter; %3: its type (solid ...); %4: its centre (x, y, z).</extracomment>
        <translation>nodule %1 (%2 mm, %3, centre en %4 mm)</translation>
    </message>
    <message>
        <source>Missed: %1.</source>
        <extracomment>%1: the nodules the reader missed, separated by &quot;; &quot;.</extracomment>
        <translation>Manqués : %1.</translation>
    </message>
    <message>
        <source>The AI found %1 of %2, with %3.</source>
        <extracomment>%1 of %2: nodules the AI found of the case&apos;s; %3: &quot;4 false positives&quot;.</extracomment>
        <translation>L&apos;IA a trouvé %1 sur %2, avec %3.</translation>
    </message>
    <message>
        <source>The AI has not run on this case.</source>
        <translation>L&apos;IA n&apos;a pas été exécutée sur ce cas.</translation>
    </message>
    <message numerus="yes">
        <source>%1 %2 (%3)
Ran on %4 in %5 s: %n findings.
%6</source>
        <extracomment>%1 %2 (%3): the model&apos;s name, version and id; %4: the device it ran on (cpu, cuda ...); %5: seconds; %6: the model&apos;s intended use.</extracomment>
        <translation>
            <numerusform>%1 %2 (%3)
Exécuté sur %4 en %5 s : %n anomalie.
%6</numerusform>
            <numerusform>%1 %2 (%3)
Exécuté sur %4 en %5 s : %n anomalies.
%6</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n findings from %1 in %2 s</source>
        <translation>
            <numerusform>%n anomalie détectée par %1 en %2 s</numerusform>
            <numerusform>%n anomalies détectées par %1 en %2 s</numerusform>
        </translation>
    </message>
    <message>
        <source>Educational mode: the AI and the other readers&apos; marks are hidden. Mark what you see (AI &gt; Add a finding), then AI &gt; Reveal.</source>
        <translation>Mode pédagogique : l&apos;IA et les marquages des autres lecteurs sont masqués. Marquez ce que vous voyez (IA &gt; Ajouter une anomalie), puis IA &gt; Révéler.</translation>
    </message>
    <message>
        <source>%1 %2, run by %3 at %4 (stored; Ctrl+M runs it again and shows the heatmap)</source>
        <extracomment>%1 %2: the model and its version; %3: the reader; %4: when.</extracomment>
        <translation>%1 %2, exécuté par %3 le %4 (enregistré ; Ctrl+M le relance et affiche la carte de chaleur)</translation>
    </message>
    <message>
        <source>The decision was NOT saved (see Problems)</source>
        <translation>La décision n&apos;a PAS été enregistrée (voir Problèmes)</translation>
    </message>
    <message>
        <source>Finding new: %1 (saved)</source>
        <extracomment>%1: the reader&apos;s decision (add) on the finding they added.</extracomment>
        <translation>Nouvelle anomalie : décision «&#xa0;%1&#xa0;» (enregistrée)</translation>
    </message>
    <message>
        <source>Finding %1: %2 (saved)</source>
        <extracomment>%1: the finding&apos;s number; %2: the reader&apos;s decision (confirm, reject, ...).</extracomment>
        <translation>Anomalie %1 : décision «&#xa0;%2&#xa0;» (enregistrée)</translation>
    </message>
    <message>
        <source>Select a finding first (N / P)</source>
        <translation>Sélectionnez d&apos;abord une anomalie (N / P)</translation>
    </message>
    <message>
        <source>Select a finding to comment on it.</source>
        <translation>Sélectionnez une anomalie pour la commenter.</translation>
    </message>
    <message>
        <source>Trainer&apos;s comment</source>
        <translation>Commentaire du formateur</translation>
    </message>
    <message>
        <source>Comment on the selected finding:</source>
        <translation>Commentaire sur l&apos;anomalie sélectionnée :</translation>
    </message>
    <message>
        <source>Comment on the study:</source>
        <translation>Commentaire sur l&apos;examen :</translation>
    </message>
    <message>
        <source>Comment saved</source>
        <translation>Commentaire enregistré</translation>
    </message>
    <message>
        <source>The AI&apos;s findings are shown. No reference knows this case (a truth.json beside it, or experts&apos; reports filed with `vigie-cli review import-sr` and chosen in Worklist &gt; Reader statistics), so the read is not scored.</source>
        <translation>Les anomalies de l&apos;IA sont affichées. Aucune référence ne couvre ce cas (un truth.json à côté de lui, ou des comptes rendus d&apos;experts importés avec `vigie-cli review import-sr` et choisis dans Liste de travail &gt; Statistiques des lecteurs) : la lecture n&apos;est donc pas évaluée.</translation>
    </message>
    <message>
        <source>Your read</source>
        <translation>Votre lecture</translation>
    </message>
    <message>
        <source>%1: %2 ml segmented</source>
        <extracomment>A segmentation model&apos;s result. %1: the structure (spleen ...); %2: its volume.</extracomment>
        <translation>%1 : %2 ml segmentés</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Structure segmentée</translation>
    </message>
    <message>
        <source>Reading the reference to score your read ...</source>
        <translation>Lecture de la référence pour évaluer votre lecture ...</translation>
    </message>
</context>
<context>
    <name>vigie::app::DisplayNames</name>
    <message>
        <source>confirm</source>
        <extracomment>A reader&apos;s decision on an AI finding: the finding is real.</extracomment>
        <translation>confirmer</translation>
    </message>
    <message>
        <source>reject</source>
        <extracomment>A reader&apos;s decision on an AI finding: it is not a nodule.</extracomment>
        <translation>rejeter</translation>
    </message>
    <message>
        <source>edit</source>
        <extracomment>A reader&apos;s decision on an AI finding: its centre or diameter corrected.</extracomment>
        <translation>modifier</translation>
    </message>
    <message>
        <source>annotate</source>
        <extracomment>A reader&apos;s decision on an AI finding: a note and a category attached.</extracomment>
        <translation>annoter</translation>
    </message>
    <message>
        <source>add</source>
        <extracomment>A reader&apos;s decision: a finding the AI missed, added by the reader.</extracomment>
        <translation>ajouter</translation>
    </message>
    <message>
        <source>pending</source>
        <extracomment>An AI finding no reader has decided on yet.</extracomment>
        <translation>en attente</translation>
    </message>
    <message>
        <source>confirmed</source>
        <extracomment>An AI finding a reader confirmed.</extracomment>
        <translation>confirmée</translation>
    </message>
    <message>
        <source>rejected</source>
        <extracomment>An AI finding a reader rejected (not a nodule).</extracomment>
        <translation>rejetée</translation>
    </message>
    <message>
        <source>edited</source>
        <extracomment>An AI finding whose centre or diameter a reader corrected.</extracomment>
        <translation>modifiée</translation>
    </message>
    <message>
        <source>added</source>
        <extracomment>A finding a reader added (the AI missed it).</extracomment>
        <translation>ajoutée</translation>
    </message>
    <message>
        <source>unread</source>
        <extracomment>A worklist case&apos;s reading state.</extracomment>
        <translation>non lu</translation>
    </message>
    <message>
        <source>in-progress</source>
        <extracomment>A worklist case&apos;s reading state.</extracomment>
        <translation>en cours</translation>
    </message>
    <message>
        <source>read</source>
        <extracomment>A worklist case&apos;s reading state (past participle: the case has been read).</extracomment>
        <translation>lu</translation>
    </message>
    <message>
        <source>trainer-reviewed</source>
        <extracomment>A worklist case&apos;s reading state: a trainer has reviewed the resident&apos;s read.</extracomment>
        <translation>revu par le formateur</translation>
    </message>
    <message>
        <source>routine</source>
        <extracomment>A case&apos;s clinical priority.</extracomment>
        <translation>standard</translation>
    </message>
    <message>
        <source>urgent</source>
        <extracomment>A case&apos;s clinical priority.</extracomment>
        <translation>urgent</translation>
    </message>
    <message>
        <source>stat</source>
        <extracomment>A case&apos;s clinical priority: immediately (medical &quot;stat&quot;).</extracomment>
        <translation>immédiat</translation>
    </message>
    <message>
        <source>primary</source>
        <extracomment>A fundus photograph&apos;s double-reading stage: the first grading.</extracomment>
        <translation>première lecture</translation>
    </message>
    <message>
        <source>second-read</source>
        <extracomment>A fundus photograph&apos;s double-reading stage: awaiting a second reader.</extracomment>
        <translation>seconde lecture</translation>
    </message>
    <message>
        <source>arbitration</source>
        <extracomment>A fundus photograph&apos;s double-reading stage: the readers disagree, an arbiter decides.</extracomment>
        <translation>arbitrage</translation>
    </message>
    <message>
        <source>final</source>
        <extracomment>A fundus photograph&apos;s double-reading stage: graded for good.</extracomment>
        <translation>définitif</translation>
    </message>
    <message>
        <source>Axial</source>
        <extracomment>The CT view&apos;s plane.</extracomment>
        <translation>Axial</translation>
    </message>
    <message>
        <source>Coronal</source>
        <extracomment>The CT view&apos;s plane.</extracomment>
        <translation>Coronal</translation>
    </message>
    <message>
        <source>Sagittal</source>
        <extracomment>The CT view&apos;s plane.</extracomment>
        <translation>Sagittal</translation>
    </message>
    <message>
        <source>microaneurysm</source>
        <translation>microanévrisme</translation>
    </message>
    <message>
        <source>haemorrhage</source>
        <translation>hémorragie</translation>
    </message>
    <message>
        <source>hard exudate</source>
        <translation>exsudat sec</translation>
    </message>
    <message>
        <source>cotton wool spot</source>
        <translation>nodule cotonneux</translation>
    </message>
    <message>
        <source>neovascularisation</source>
        <translation>néovaisseaux</translation>
    </message>
    <message>
        <source>solid</source>
        <extracomment>A lung nodule&apos;s type.</extracomment>
        <translation>solide</translation>
    </message>
    <message>
        <source>part-solid</source>
        <extracomment>A lung nodule&apos;s type.</extracomment>
        <translation>partiellement solide</translation>
    </message>
    <message>
        <source>ground-glass</source>
        <extracomment>A lung nodule&apos;s type.</extracomment>
        <translation>verre dépoli</translation>
    </message>
    <message>
        <source>benign (calcified)</source>
        <extracomment>A category of a reader&apos;s annotation of a lung nodule.</extracomment>
        <translation>bénin (calcifié)</translation>
    </message>
    <message>
        <source>suspicious</source>
        <extracomment>A category of a reader&apos;s annotation of a lung nodule.</extracomment>
        <translation>suspect</translation>
    </message>
    <message>
        <source>indeterminate</source>
        <extracomment>A category of a reader&apos;s annotation of a lung nodule.</extracomment>
        <translation>indéterminé</translation>
    </message>
    <message>
        <source>follow-up</source>
        <extracomment>A category of a reader&apos;s annotation of a lung nodule: to be followed up.</extracomment>
        <translation>à surveiller</translation>
    </message>
    <message>
        <source>artefact</source>
        <extracomment>A category of a reader&apos;s annotation: an imaging artefact, not a nodule.</extracomment>
        <translation>artefact</translation>
    </message>
    <message>
        <source>teaching case</source>
        <extracomment>A category of a reader&apos;s annotation: a case kept for teaching.</extracomment>
        <translation>cas pédagogique</translation>
    </message>
    <message>
        <source>resampling</source>
        <extracomment>A stage of the CT model&apos;s run, in &quot;Running the model: %1 ...&quot;.</extracomment>
        <translation>rééchantillonnage</translation>
    </message>
    <message>
        <source>inference</source>
        <extracomment>A stage of the CT model&apos;s run, in &quot;Running the model: %1 ...&quot;.</extracomment>
        <translation>inférence</translation>
    </message>
    <message>
        <source>post-processing</source>
        <extracomment>A stage of the CT model&apos;s run, in &quot;Running the model: %1 ...&quot;.</extracomment>
        <translation>post-traitement</translation>
    </message>
    <message>
        <source>classifying candidates</source>
        <extracomment>A stage of the CT model&apos;s run, in &quot;Running the model: %1 ...&quot;.</extracomment>
        <translation>classification des anomalies candidates</translation>
    </message>
    <message>
        <source>done</source>
        <extracomment>The last stage of the CT model&apos;s run, in &quot;Running the model: %1 ...&quot;.</extracomment>
        <translation>terminé</translation>
    </message>
    <message>
        <source>mm</source>
        <extracomment>Millimetres, in the patient.</extracomment>
        <translation>mm</translation>
    </message>
    <message>
        <source>mm at the detector</source>
        <extracomment>Millimetres at the X-ray detector (magnified, not in the patient).</extracomment>
        <translation>mm au détecteur</translation>
    </message>
    <message>
        <source>mm (ultrasound region)</source>
        <extracomment>Millimetres, from the ultrasound region&apos;s calibration.</extracomment>
        <translation>mm (région échographique)</translation>
    </message>
    <message>
        <source>px</source>
        <extracomment>Pixels: the image is not calibrated.</extracomment>
        <translation>px</translation>
    </message>
    <message>
        <source>TP</source>
        <extracomment>Abbreviation: true positive (referred, and referable by the reference).</extracomment>
        <translation>VP</translation>
    </message>
    <message>
        <source>FN</source>
        <extracomment>Abbreviation: false negative (not referred, but referable by the reference).</extracomment>
        <translation>FN</translation>
    </message>
    <message>
        <source>TN</source>
        <extracomment>Abbreviation: true negative (not referred, and not referable by the reference).</extracomment>
        <translation>VN</translation>
    </message>
    <message>
        <source>FP</source>
        <extracomment>Abbreviation: false positive (referred, but not referable by the reference).</extracomment>
        <translation>FP</translation>
    </message>
</context>
<context>
    <name>vigie::app::FindingDialog</name>
    <message>
        <source> mm</source>
        <translation> mm</translation>
    </message>
    <message>
        <source>Centre x (right to left)</source>
        <translation>Centre x (de droite à gauche)</translation>
    </message>
    <message>
        <source>Centre y (front to back)</source>
        <translation>Centre y (d&apos;avant en arrière)</translation>
    </message>
    <message>
        <source>Centre z (feet to head)</source>
        <translation>Centre z (des pieds vers la tête)</translation>
    </message>
    <message>
        <source>Diameter</source>
        <translation>Diamètre</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
</context>
<context>
    <name>vigie::app::FindingsPanel</name>
    <message>
        <source>No model has run on this study.
AI &gt; Run nodule model (Ctrl+M).</source>
        <translation>Aucun modèle n&apos;a été exécuté sur cet examen.
IA &gt; Lancer le modèle de nodules (Ctrl+M).</translation>
    </message>
    <message>
        <source>Model card</source>
        <translation>Fiche du modèle</translation>
    </message>
    <message>
        <source>What the model is for, what it was trained and evaluated on, its limits</source>
        <translation>Finalité du modèle, données d&apos;entraînement et d&apos;évaluation, limites</translation>
    </message>
    <message>
        <source>Heatmap (H)</source>
        <translation>Carte de chaleur (H)</translation>
    </message>
    <message>
        <source>Heatmap opacity</source>
        <translation>Opacité de la carte de chaleur</translation>
    </message>
    <message>
        <source>Yellow to red</source>
        <translation>Jaune à rouge</translation>
    </message>
    <message>
        <source>Rainbow</source>
        <translation>Arc-en-ciel</translation>
    </message>
    <message>
        <source>Green</source>
        <translation>Vert</translation>
    </message>
    <message>
        <source>Heatmap colour map</source>
        <translation>Palette de la carte de chaleur</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>Opacité</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Décision</translation>
    </message>
    <message>
        <source>Diam. (mm)</source>
        <translation>Diam. (mm)</translation>
    </message>
    <message>
        <source>Slice</source>
        <translation>Coupe</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>x (mm)</source>
        <translation>x (mm)</translation>
    </message>
    <message>
        <source>y (mm)</source>
        <translation>y (mm)</translation>
    </message>
    <message>
        <source>z (mm)</source>
        <translation>z (mm)</translation>
    </message>
    <message>
        <source>Not for clinical use.</source>
        <translation>Ne pas utiliser en clinique.</translation>
    </message>
    <message>
        <source>reader</source>
        <extracomment>In the Score column: a finding a reader added (no AI score).</extracomment>
        <translation>lecteur</translation>
    </message>
</context>
<context>
    <name>vigie::app::FundusAssessmentPanel</name>
    <message>
        <source>0 - no apparent retinopathy</source>
        <translation>0 - pas de rétinopathie apparente</translation>
    </message>
    <message>
        <source>1 - mild NPDR</source>
        <translation>1 - RDNP minime</translation>
    </message>
    <message>
        <source>2 - moderate NPDR</source>
        <translation>2 - RDNP modérée</translation>
    </message>
    <message>
        <source>3 - severe NPDR</source>
        <translation>3 - RDNP sévère</translation>
    </message>
    <message>
        <source>4 - proliferative DR</source>
        <translation>4 - RD proliférante</translation>
    </message>
    <message numerus="yes">
        <source>%n lesion regions</source>
        <translation>
            <numerusform>%n région lésionnelle</numerusform>
            <numerusform>%n régions lésionnelles</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Overlay: occlusion map (no lesion output); %n regions weigh most</source>
        <translation>
            <numerusform>Superposition : carte d&apos;occlusion (le modèle ne localise pas les lésions) ; %n région la plus influente</numerusform>
            <numerusform>Superposition : carte d&apos;occlusion (le modèle ne localise pas les lésions) ; %n régions les plus influentes</numerusform>
        </translation>
    </message>
    <message>
        <source>No heatmap</source>
        <translation>Pas de carte de chaleur</translation>
    </message>
    <message>
        <source>Run DR model (Ctrl+M)</source>
        <translation>Lancer le modèle RD (Ctrl+M)</translation>
    </message>
    <message>
        <source>Model card</source>
        <translation>Fiche du modèle</translation>
    </message>
    <message>
        <source>What the model is for, what it was trained and evaluated on, its limits</source>
        <translation>Finalité du modèle, données d&apos;entraînement et d&apos;évaluation, limites</translation>
    </message>
    <message>
        <source>choose a grade</source>
        <translation>choisir un grade</translation>
    </message>
    <message>
        <source>gradable</source>
        <extracomment>The photograph can be graded (its quality is good enough).</extracomment>
        <translation>interprétable</translation>
    </message>
    <message>
        <source>Your grade</source>
        <translation>Votre grade</translation>
    </message>
    <message>
        <source>Image</source>
        <extracomment>The label of the &quot;gradable&quot; check box: the photograph&apos;s quality.</extracomment>
        <translation>Qualité d&apos;image</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Save my grade</source>
        <translation>Enregistrer mon grade</translation>
    </message>
    <message>
        <source>Agree with the model</source>
        <translation>Valider le grade du modèle</translation>
    </message>
    <message>
        <source>Running the DR model ...</source>
        <translation>Exécution du modèle RD ...</translation>
    </message>
    <message>
        <source>No model has run on this photograph.</source>
        <translation>Aucun modèle n&apos;a été exécuté sur cette photographie.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; %2&lt;br&gt;Grade &lt;b&gt;%3&lt;/b&gt; (%4%)&lt;br&gt;Referable DR: &lt;b&gt;%5&lt;/b&gt; (p = %6)&lt;br&gt;Image quality: %7 (%8)&lt;br&gt;%9&lt;br&gt;&lt;small&gt;%10, %11 s&lt;/small&gt;</source>
        <extracomment>%1 %2: the model and its version; %3: the DR grade; %4: its probability in percent; %5: yes or no; %6: the probability of referable DR; %7: gradable or UNGRADABLE; %8: the quality score; %9: the heatmap&apos;s line; %10: the device; %11: seconds.</extracomment>
        <translation>&lt;b&gt;%1&lt;/b&gt; %2&lt;br&gt;Grade &lt;b&gt;%3&lt;/b&gt; (%4 %)&lt;br&gt;RD à adresser : &lt;b&gt;%5&lt;/b&gt; (p = %6)&lt;br&gt;Qualité d&apos;image : %7 (%8)&lt;br&gt;%9&lt;br&gt;&lt;small&gt;%10, %11 s&lt;/small&gt;</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>UNGRADABLE</source>
        <translation>ININTERPRÉTABLE</translation>
    </message>
    <message>
        <source>Not for clinical use.</source>
        <translation>Ne pas utiliser en clinique.</translation>
    </message>
    <message>
        <source>No grade recorded for this photograph.</source>
        <translation>Aucun grade enregistré pour cette photographie.</translation>
    </message>
    <message>
        <source>No lesion marks (M, then click on the photograph).</source>
        <translation>Aucun marquage de lésion (M, puis cliquer sur la photographie).</translation>
    </message>
    <message>
        <source>1 lesion mark by the reader (right-click one with M on to remove it).</source>
        <translation>1 marquage de lésion par le lecteur (M activé, clic droit sur un marquage pour le supprimer).</translation>
    </message>
    <message numerus="yes">
        <source>%n lesion marks by the reader (right-click one with M on to remove it).</source>
        <translation>
            <numerusform>%n marquage de lésion par le lecteur (M activé, clic droit sur un marquage pour le supprimer).</numerusform>
            <numerusform>%n marquages de lésions par le lecteur (M activé, clic droit sur un marquage pour le supprimer).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::FundusGrader</name>
    <message>
        <source>%1: not a fundus-dr-screening model</source>
        <translation>%1 : ce n&apos;est pas un modèle de dépistage de la RD (fundus-dr-screening)</translation>
    </message>
</context>
<context>
    <name>vigie::app::FundusReviewController</name>
    <message>
        <source>The DR model failed (see Problems)</source>
        <translation>Échec du modèle RD (voir Problèmes)</translation>
    </message>
    <message>
        <source>Open fundus photographs first (File &gt; Open fundus photographs)</source>
        <translation>Ouvrez d&apos;abord des photographies du fond d&apos;œil (Fichier &gt; Ouvrir des photographies du fond d&apos;œil)</translation>
    </message>
    <message>
        <source>No fundus model bundle is configured (--fundus-model)</source>
        <translation>Aucun paquet de modèle fond d&apos;œil n&apos;est configuré (--fundus-model)</translation>
    </message>
    <message>
        <source>Running the DR model ...</source>
        <translation>Exécution du modèle RD ...</translation>
    </message>
    <message>
        <source>DR model: grade %1, referable p = %2</source>
        <translation>Modèle RD : grade %1, p (à adresser) = %2</translation>
    </message>
    <message>
        <source>The grade was NOT saved (see Problems)</source>
        <translation>Le grade n&apos;a PAS été enregistré (voir Problèmes)</translation>
    </message>
    <message>
        <source>Grade %1 saved</source>
        <translation>Grade %1 enregistré</translation>
    </message>
    <message>
        <source>The lesion mark was NOT saved (see Problems)</source>
        <translation>Le marquage de lésion n&apos;a PAS été enregistré (voir Problèmes)</translation>
    </message>
    <message>
        <source>The recorded grade could NOT be read (see Problems)</source>
        <translation>Le grade enregistré n&apos;a PAS pu être lu (voir Problèmes)</translation>
    </message>
    <message>
        <source>The recorded grade could not be read.</source>
        <translation>Le grade enregistré n&apos;a pas pu être lu.</translation>
    </message>
    <message>
        <source>Second reading: the earlier grade is hidden until you have graded this photograph.</source>
        <translation>Seconde lecture : le grade précédent reste masqué tant que vous n&apos;avez pas gradé cette photographie.</translation>
    </message>
    <message numerus="yes">
        <source>Recorded: grade %1 by %2 at %3 (%n grade(s) in the history)</source>
        <extracomment>%1: the DR grade; %2: the reader; %3: when; %n: the grades recorded for the photograph.</extracomment>
        <translation>
            <numerusform>Enregistré : grade %1 par %2 le %3 (%n grade dans l&apos;historique)</numerusform>
            <numerusform>Enregistré : grade %1 par %2 le %3 (%n grades dans l&apos;historique)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Recorded: grade %1 by %2 at %3: %4 (%n grade(s) in the history)</source>
        <extracomment>%1: the DR grade; %2: the reader; %3: when; %4: the reader&apos;s note; %n: the grades recorded for the photograph.</extracomment>
        <translation>
            <numerusform>Enregistré : grade %1 par %2 le %3 : %4 (%n grade dans l&apos;historique)</numerusform>
            <numerusform>Enregistré : grade %1 par %2 le %3 : %4 (%n grades dans l&apos;historique)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Recorded: grade %1, ungradable by %2 at %3 (%n grade(s) in the history)</source>
        <extracomment>%1: the DR grade; %2: the reader; %3: when; %n: the grades recorded for the photograph.</extracomment>
        <translation>
            <numerusform>Enregistré : grade %1, ininterprétable, par %2 le %3 (%n grade dans l&apos;historique)</numerusform>
            <numerusform>Enregistré : grade %1, ininterprétable, par %2 le %3 (%n grades dans l&apos;historique)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Recorded: grade %1, ungradable by %2 at %3: %4 (%n grade(s) in the history)</source>
        <extracomment>%1: the DR grade; %2: the reader; %3: when; %4: the reader&apos;s note; %n: the grades recorded for the photograph.</extracomment>
        <translation>
            <numerusform>Enregistré : grade %1, ininterprétable, par %2 le %3 : %4 (%n grade dans l&apos;historique)</numerusform>
            <numerusform>Enregistré : grade %1, ininterprétable, par %2 le %3 : %4 (%n grades dans l&apos;historique)</numerusform>
        </translation>
    </message>
    <message>
        <source>Reading blind: grade the photograph, then AI &gt; Reveal the AI and the reference</source>
        <translation>Lecture en aveugle : gradez la photographie, puis IA &gt; Révéler l&apos;IA et la référence</translation>
    </message>
    <message>
        <source>ungradable</source>
        <translation>ininterprétable</translation>
    </message>
    <message>
        <source>grade %1, referable</source>
        <translation>grade %1, à adresser</translation>
    </message>
    <message>
        <source>grade %1, not referable</source>
        <translation>grade %1, pas à adresser</translation>
    </message>
    <message>
        <source>Your grade: %1.</source>
        <translation>Votre grade : %1.</translation>
    </message>
    <message>
        <source>You have not graded this photograph.</source>
        <translation>Vous n&apos;avez pas gradé cette photographie.</translation>
    </message>
    <message>
        <source>The reference: %1.</source>
        <translation>La référence : %1.</translation>
    </message>
    <message>
        <source>You agree with it exactly.</source>
        <translation>Vous êtes exactement d&apos;accord avec elle.</translation>
    </message>
    <message>
        <source>You agree on referral, not on the grade.</source>
        <translation>Vous êtes d&apos;accord sur l&apos;adressage, pas sur le grade.</translation>
    </message>
    <message>
        <source>You disagree on referral.</source>
        <translation>Vous êtes en désaccord sur l&apos;adressage.</translation>
    </message>
    <message>
        <source>No reference knows this photograph (a truth.json or labels beside it, or the reference chosen in Worklist &gt; Reader statistics).</source>
        <translation>Aucune référence ne connaît cette photographie (un truth.json ou des étiquettes à côté d&apos;elle, ou la référence choisie dans Liste de travail &gt; Statistiques des lecteurs).</translation>
    </message>
    <message>
        <source>The AI: %1 (referable p = %2).</source>
        <translation>L&apos;IA : %1 (p (à adresser) = %2).</translation>
    </message>
    <message>
        <source>The AI has not graded it yet: Run DR model shows its answer.</source>
        <translation>L&apos;IA ne l&apos;a pas encore gradée : Lancer le modèle RD donne sa réponse.</translation>
    </message>
    <message>
        <source>Your read</source>
        <translation>Votre lecture</translation>
    </message>
    <message>
        <source>Reading the reference to score your grade ...</source>
        <translation>Lecture de la référence pour évaluer votre gradation ...</translation>
    </message>
</context>
<context>
    <name>vigie::app::FundusViewer</name>
    <message>
        <source>Green channel (G)</source>
        <translation>Canal vert (G)</translation>
    </message>
    <message>
        <source>Contrast, CLAHE (E)</source>
        <translation>Contraste, CLAHE (E)</translation>
    </message>
    <message>
        <source>Lesion heatmap (L)</source>
        <translation>Carte de chaleur des lésions (L)</translation>
    </message>
    <message>
        <source>Grid (V)</source>
        <translation>Grille (V)</translation>
    </message>
    <message>
        <source>Mark lesions (M):</source>
        <translation>Marquer les lésions (M) :</translation>
    </message>
    <message>
        <source>Click on the photograph to mark a lesion; right-click a mark to remove it</source>
        <translation>Cliquer sur la photographie pour marquer une lésion ; clic droit sur un marquage pour le supprimer</translation>
    </message>
    <message>
        <source>%1
(unreadable)</source>
        <translation>%1
(illisible)</translation>
    </message>
    <message>
        <source>%1  %2 x %3</source>
        <extracomment>The photograph&apos;s file name, then its width x height in pixels.</extracomment>
        <translation>%1  %2 x %3</translation>
    </message>
</context>
<context>
    <name>vigie::app::MainWindow</name>
    <message>
        <source>Lung</source>
        <translation>Poumon</translation>
    </message>
    <message>
        <source>Mediastinum</source>
        <translation>Médiastin</translation>
    </message>
    <message>
        <source>Bone</source>
        <translation>Os</translation>
    </message>
    <message>
        <source>Soft tissue</source>
        <translation>Tissus mous</translation>
    </message>
    <message>
        <source>Export: %1</source>
        <translation>Export : %1</translation>
    </message>
    <message>
        <source>The export failed (see Problems)</source>
        <translation>Échec de l&apos;export (voir Problèmes)</translation>
    </message>
    <message>
        <source>The model could not run (see the Problems list)</source>
        <translation>Le modèle n&apos;a pas pu être exécuté (voir la liste Problèmes)</translation>
    </message>
    <message>
        <source>No study open.
File &gt; Open folder (Ctrl+O).</source>
        <translation>Aucun examen ouvert.
Fichier &gt; Ouvrir un dossier (Ctrl+O).</translation>
    </message>
    <message>
        <source>Series (double-click to show):</source>
        <translation>Séries (double-clic pour afficher) :</translation>
    </message>
    <message>
        <source>Problems:</source>
        <translation>Problèmes :</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>Examen</translation>
    </message>
    <message>
        <source>Worklist</source>
        <translation>Liste de travail</translation>
    </message>
    <message>
        <source>CT</source>
        <translation>TDM</translation>
    </message>
    <message>
        <source>Fundus</source>
        <translation>Fond d&apos;œil</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Images</translation>
    </message>
    <message>
        <source>AI findings</source>
        <translation>Anomalies IA</translation>
    </message>
    <message>
        <source>Finding %1: score %2, %3 mm</source>
        <translation>Anomalie %1 : score %2, %3 mm</translation>
    </message>
    <message>
        <source>Measurements</source>
        <translation>Mesures</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ai&amp;de</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <source>This list</source>
        <translation>Cette liste</translation>
    </message>
    <message>
        <source>&amp;About Vigie</source>
        <translation>À &amp;propos de Vigie</translation>
    </message>
    <message>
        <source>About Vigie</source>
        <translation>À propos de Vigie</translation>
    </message>
    <message>
        <source>Vigie: AI-assisted reading of medical images.
Demo studies and reference models are synthetic and not for clinical use.</source>
        <translation>Vigie : lecture d&apos;images médicales assistée par IA.
Les examens de démonstration et les modèles de référence sont synthétiques et ne doivent pas être utilisés en clinique.</translation>
    </message>
    <message>
        <source>&amp;Worklist</source>
        <translation>&amp;Liste de travail</translation>
    </message>
    <message>
        <source>&amp;Next case</source>
        <translation>Cas suiva&amp;nt</translation>
    </message>
    <message>
        <source>Worklist: open the next case in the list&apos;s order</source>
        <translation>Liste de travail : ouvrir le cas suivant dans l&apos;ordre de la liste</translation>
    </message>
    <message>
        <source>&amp;Previous case</source>
        <translation>Cas &amp;précédent</translation>
    </message>
    <message>
        <source>Worklist: open the previous case</source>
        <translation>Liste de travail : ouvrir le cas précédent</translation>
    </message>
    <message>
        <source>&amp;Assign the selected case to me</source>
        <translation>M&apos;&amp;assigner le cas sélectionné</translation>
    </message>
    <message>
        <source>Mark the selected case &amp;read</source>
        <translation>Marquer le cas sélectionné comme &amp;lu</translation>
    </message>
    <message>
        <source>Worklist: the selected case is read</source>
        <translation>Liste de travail : marquer le cas sélectionné comme lu</translation>
    </message>
    <message>
        <source>Mark the selected case &amp;trainer-reviewed</source>
        <translation>Marquer le cas sélectionné comme &amp;revu par le formateur</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>Ac&amp;tualiser</translation>
    </message>
    <message>
        <source>Reader &amp;statistics...</source>
        <translation>&amp;Statistiques des lecteurs...</translation>
    </message>
    <message>
        <source>Readers and the AI against a reference, with intervals and charts</source>
        <translation>Lecteurs et IA comparés à une référence, avec intervalles de confiance et graphiques</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Open folder...</source>
        <translation>&amp;Ouvrir un dossier...</translation>
    </message>
    <message>
        <source>Open a folder</source>
        <translation>Ouvrir un dossier</translation>
    </message>
    <message>
        <source>Open a folder of DICOM files</source>
        <translation>Ouvrir un dossier de fichiers DICOM</translation>
    </message>
    <message>
        <source>Open fundus &amp;photographs...</source>
        <translation>Ouvrir des &amp;photographies du fond d&apos;œil...</translation>
    </message>
    <message>
        <source>Open a folder of fundus photographs</source>
        <translation>Ouvrir un dossier de photographies du fond d&apos;œil</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>Fichiers &amp;récents</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>(aucun pour l&apos;instant)</translation>
    </message>
    <message>
        <source>Open &amp;file (DICOM, DICOMDIR or zip)...</source>
        <translation>Ouvrir un &amp;fichier (DICOM, DICOMDIR ou zip)...</translation>
    </message>
    <message>
        <source>Open a DICOM file, a DICOMDIR or a zip of a study</source>
        <translation>Ouvrir un fichier DICOM, un DICOMDIR ou le zip d&apos;un examen</translation>
    </message>
    <message>
        <source>DICOM, DICOMDIR or zip (*.dcm *.DCM DICOMDIR *.zip *.ZIP);;All files (*)</source>
        <translation>DICOM, DICOMDIR ou zip (*.dcm *.DCM DICOMDIR *.zip *.ZIP);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>&amp;Query/Retrieve from a PACS...</source>
        <translation>&amp;Interrogation/récupération PACS...</translation>
    </message>
    <message>
        <source>Find studies on a PACS and retrieve one (C-FIND, C-GET)</source>
        <translation>Rechercher des examens sur un PACS et en récupérer un (C-FIND, C-GET)</translation>
    </message>
    <message>
        <source>&amp;Export review as DICOM (SR + SEG)...</source>
        <translation>&amp;Exporter la relecture en DICOM (SR + SEG)...</translation>
    </message>
    <message>
        <source>Export the review as DICOM (TID 1500 SR + SEG)</source>
        <translation>Exporter la relecture en DICOM (SR TID 1500 + SEG)</translation>
    </message>
    <message>
        <source>Export the review into a folder</source>
        <translation>Exporter la relecture dans un dossier</translation>
    </message>
    <message>
        <source>&amp;Send review to PACS</source>
        <translation>En&amp;voyer la relecture au PACS</translation>
    </message>
    <message>
        <source>Export the review (SR + SEG) and send it to the PACS (C-STORE)</source>
        <translation>Exporter la relecture (SR + SEG) et l&apos;envoyer au PACS (C-STORE)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>%1 window (W %2, L %3)</source>
        <translation>Fenêtre %1 (W %2, L %3)</translation>
    </message>
    <message>
        <source>%1 window</source>
        <translation>Fenêtre %1</translation>
    </message>
    <message>
        <source>Set window and &amp;level...</source>
        <translation>Régler fenêtre et &amp;niveau...</translation>
    </message>
    <message>
        <source>Type window width and level</source>
        <translation>Saisir la largeur et le niveau de la fenêtre</translation>
    </message>
    <message>
        <source>&amp;Single view (1x1)</source>
        <translation>&amp;Vue unique (1x1)</translation>
    </message>
    <message>
        <source>Single view (1x1) of the focused view, or back to 2x2</source>
        <translation>Vue active seule (1x1), ou retour à 2x2</translation>
    </message>
    <message>
        <source>&amp;Crosshair (where the views meet)</source>
        <translation>Ré&amp;ticule (intersection des vues)</translation>
    </message>
    <message>
        <source>Show or hide the crosshair where the views meet</source>
        <translation>Afficher ou masquer le réticule à l&apos;intersection des vues</translation>
    </message>
    <message>
        <source>&amp;Reset views</source>
        <translation>&amp;Réinitialiser les vues</translation>
    </message>
    <message>
        <source>Reset views</source>
        <translation>Réinitialiser les vues</translation>
    </message>
    <message>
        <source>3D &amp;rendering</source>
        <translation>Rendu &amp;3D</translation>
    </message>
    <message>
        <source>3D view: %1 rendering</source>
        <translation>Vue 3D : rendu %1</translation>
    </message>
    <message>
        <source>Drag and drop</source>
        <translation>Glisser-déposer</translation>
    </message>
    <message>
        <source>A folder or file onto the window opens it</source>
        <translation>Un dossier ou un fichier déposé sur la fenêtre s&apos;ouvre</translation>
    </message>
    <message>
        <source>Up / Down, mouse wheel</source>
        <translation>Haut / Bas, molette</translation>
    </message>
    <message>
        <source>Next / previous slice (in the focused view)</source>
        <translation>Coupe suivante / précédente (dans la vue active)</translation>
    </message>
    <message>
        <source>Page Up / Page Down</source>
        <translation>Pg préc / Pg suiv</translation>
    </message>
    <message>
        <source>Ten slices forward / back</source>
        <translation>Dix coupes en avant / en arrière</translation>
    </message>
    <message>
        <source>Home / End</source>
        <translation>Début / Fin</translation>
    </message>
    <message>
        <source>First / last slice</source>
        <translation>Première / dernière coupe</translation>
    </message>
    <message>
        <source>Left drag</source>
        <translation>Glisser (bouton gauche)</translation>
    </message>
    <message>
        <source>Window (horizontal) and level (vertical)</source>
        <translation>Fenêtre (horizontal) et niveau (vertical)</translation>
    </message>
    <message>
        <source>Middle drag</source>
        <translation>Glisser (bouton du milieu)</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>Déplacer</translation>
    </message>
    <message>
        <source>Right drag, Ctrl+wheel</source>
        <translation>Glisser (bouton droit), Ctrl+molette</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>Ctrl+click</source>
        <translation>Ctrl+clic</translation>
    </message>
    <message>
        <source>Move the other views through that point (linked crosshair)</source>
        <translation>Amener les autres vues sur ce point (réticule lié)</translation>
    </message>
    <message>
        <source>3D view: left drag; right drag or wheel; middle drag</source>
        <translation>Vue 3D : glisser gauche ; glisser droit ou molette ; glisser milieu</translation>
    </message>
    <message>
        <source>Rotate; zoom; pan</source>
        <translation>Rotation ; zoom ; déplacement</translation>
    </message>
    <message>
        <source>Double-click a series</source>
        <translation>Double-clic sur une série</translation>
    </message>
    <message>
        <source>Study panel: show that series</source>
        <translation>Panneau Examen : afficher cette série</translation>
    </message>
    <message>
        <source>G / E</source>
        <translation>G / E</translation>
    </message>
    <message>
        <source>Fundus tab: green channel / contrast enhancement (CLAHE)</source>
        <translation>Onglet Fond d&apos;œil : canal vert / rehaussement du contraste (CLAHE)</translation>
    </message>
    <message>
        <source>L</source>
        <translation>L</translation>
    </message>
    <message>
        <source>Fundus tab: show or hide the DR model&apos;s lesion heatmap</source>
        <translation>Onglet Fond d&apos;œil : afficher ou masquer la carte de chaleur des lésions du modèle RD</translation>
    </message>
    <message>
        <source>V</source>
        <translation>V</translation>
    </message>
    <message>
        <source>Fundus tab: a grid of every photograph, or one photograph</source>
        <translation>Onglet Fond d&apos;œil : grille de toutes les photographies, ou une seule</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>Fundus tab: mark lesions (click to mark, right-click a mark to remove it)</source>
        <translation>Onglet Fond d&apos;œil : marquer les lésions (clic pour marquer, clic droit sur un marquage pour le supprimer)</translation>
    </message>
    <message>
        <source>&amp;AI</source>
        <translation>&amp;IA</translation>
    </message>
    <message>
        <source>&amp;Run nodule model</source>
        <translation>&amp;Lancer le modèle de nodules</translation>
    </message>
    <message>
        <source>Run the nodule model on the open CT, or the DR model on the photograph shown in the Fundus tab</source>
        <translation>Lancer le modèle de nodules sur la TDM ouverte, ou le modèle RD sur la photographie affichée dans l&apos;onglet Fond d&apos;œil</translation>
    </message>
    <message>
        <source>&amp;Choose model bundle...</source>
        <translation>&amp;Choisir un paquet de modèle...</translation>
    </message>
    <message>
        <source>Choose a model bundle (its manifest.json or zip; or a MONAI bundle)</source>
        <translation>Choisir un paquet de modèle (son manifest.json ou son zip, ou un paquet MONAI)</translation>
    </message>
    <message>
        <source>Model bundles (manifest.json metadata.json *.zip *.ts)</source>
        <translation>Paquets de modèle (manifest.json metadata.json *.zip *.ts)</translation>
    </message>
    <message>
        <source>&amp;Next finding</source>
        <translation>Anomalie &amp;suivante</translation>
    </message>
    <message>
        <source>Next AI finding (centres every view on it)</source>
        <translation>Anomalie IA suivante (centre toutes les vues dessus)</translation>
    </message>
    <message>
        <source>&amp;Previous finding</source>
        <translation>Anomalie &amp;précédente</translation>
    </message>
    <message>
        <source>Previous AI finding</source>
        <translation>Anomalie IA précédente</translation>
    </message>
    <message>
        <source>&amp;Confirm finding</source>
        <translation>C&amp;onfirmer l&apos;anomalie</translation>
    </message>
    <message>
        <source>Confirm the selected finding (saved at once)</source>
        <translation>Confirmer l&apos;anomalie sélectionnée (enregistré immédiatement)</translation>
    </message>
    <message>
        <source>Re&amp;ject finding</source>
        <translation>&amp;Rejeter l&apos;anomalie</translation>
    </message>
    <message>
        <source>Reject the selected finding (saved at once)</source>
        <translation>Rejeter l&apos;anomalie sélectionnée (enregistré immédiatement)</translation>
    </message>
    <message>
        <source>&amp;Edit finding (centre, diameter)...</source>
        <translation>Mo&amp;difier l&apos;anomalie (centre, diamètre)...</translation>
    </message>
    <message>
        <source>Edit the selected finding&apos;s centre and diameter</source>
        <translation>Modifier le centre et le diamètre de l&apos;anomalie sélectionnée</translation>
    </message>
    <message>
        <source>Edit finding %1</source>
        <translation>Modifier l&apos;anomalie %1</translation>
    </message>
    <message>
        <source>&amp;Annotate finding...</source>
        <translation>&amp;Annoter l&apos;anomalie...</translation>
    </message>
    <message>
        <source>Annotate the selected finding (note, category)</source>
        <translation>Annoter l&apos;anomalie sélectionnée (note, catégorie)</translation>
    </message>
    <message>
        <source>A&amp;dd a finding where the views meet...</source>
        <translation>A&amp;jouter une anomalie à l&apos;intersection des vues...</translation>
    </message>
    <message>
        <source>Add a finding the model missed, where the three views meet</source>
        <translation>Ajouter une anomalie manquée par le modèle, à l&apos;intersection des trois vues</translation>
    </message>
    <message>
        <source>Add a finding the model missed</source>
        <translation>Ajouter une anomalie manquée par le modèle</translation>
    </message>
    <message>
        <source>Co&amp;mment on the selected finding...</source>
        <translation>Co&amp;mmenter l&apos;anomalie sélectionnée...</translation>
    </message>
    <message>
        <source>A trainer&apos;s comment on the selected finding</source>
        <translation>Commentaire du formateur sur l&apos;anomalie sélectionnée</translation>
    </message>
    <message>
        <source>Comment on the &amp;study...</source>
        <translation>Commenter l&apos;&amp;examen...</translation>
    </message>
    <message>
        <source>A trainer&apos;s comment on the whole study</source>
        <translation>Commentaire du formateur sur l&apos;ensemble de l&apos;examen</translation>
    </message>
    <message>
        <source>Ed&amp;ucational mode: read blind</source>
        <translation>Mode péda&amp;gogique : lecture en aveugle</translation>
    </message>
    <message>
        <source>Hide the AI and the other readers&apos; marks until you reveal them; then your read is scored against the reference</source>
        <translation>Masquer l&apos;IA et les marquages des autres lecteurs jusqu&apos;à leur révélation ; votre lecture est alors évaluée par rapport à la référence</translation>
    </message>
    <message>
        <source>Re&amp;veal the AI and the reference</source>
        <translation>Ré&amp;véler l&apos;IA et la référence</translation>
    </message>
    <message>
        <source>Educational mode: show the AI and score your read</source>
        <translation>Mode pédagogique : afficher l&apos;IA et évaluer votre lecture</translation>
    </message>
    <message>
        <source>Show &amp;heatmap</source>
        <translation>Afficher la carte de c&amp;haleur</translation>
    </message>
    <message>
        <source>Show or hide the AI heatmap</source>
        <translation>Afficher ou masquer la carte de chaleur de l&apos;IA</translation>
    </message>
    <message>
        <source>&amp;Measure</source>
        <translation>&amp;Mesure</translation>
    </message>
    <message>
        <source>&amp;Length (left drag)</source>
        <translation>&amp;Longueur (glisser, bouton gauche)</translation>
    </message>
    <message>
        <source>Measure a length: left drag in a CT view (saved at once)</source>
        <translation>Mesurer une longueur : glisser avec le bouton gauche dans une vue TDM (enregistré immédiatement)</translation>
    </message>
    <message>
        <source>Circular &amp;ROI: mean and SD of HU (left drag)</source>
        <translation>&amp;ROI circulaire : moyenne et écart-type en UH (glisser, bouton gauche)</translation>
    </message>
    <message>
        <source>Circular ROI: left drag from its centre; mean, SD, min, max HU and area</source>
        <translation>ROI circulaire : glisser (bouton gauche) depuis son centre ; moyenne, écart-type, min, max en UH et surface</translation>
    </message>
    <message>
        <source>&amp;Window/level (left drag)</source>
        <translation>&amp;Fenêtre/niveau (glisser, bouton gauche)</translation>
    </message>
    <message>
        <source>Back to window/level on left drag</source>
        <translation>Revenir au réglage fenêtre/niveau au glisser (bouton gauche)</translation>
    </message>
    <message>
        <source>Loading %1 ...</source>
        <translation>Chargement de %1 ...</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>%1 chargé</translation>
    </message>
    <message>
        <source>Vigie - %1</source>
        <translation>Vigie - %1</translation>
    </message>
    <message>
        <source>Loaded %1 (2D images)</source>
        <translation>%1 chargé (images 2D)</translation>
    </message>
    <message>
        <source>Could not open the study (see the Problems list)</source>
        <translation>Impossible d&apos;ouvrir l&apos;examen (voir la liste Problèmes)</translation>
    </message>
    <message>
        <source>%1: no JPEG, PNG, TIFF or DICOM photographs</source>
        <translation>%1 : aucune photographie JPEG, PNG, TIFF ou DICOM</translation>
    </message>
    <message>
        <source>No model reads 2D images yet: the CT tab&apos;s volume is what the nodule model reads</source>
        <translation>Aucun modèle ne lit encore les images 2D : le modèle de nodules lit le volume de l&apos;onglet TDM</translation>
    </message>
    <message>
        <source>%1 (decisions cannot be saved)</source>
        <translation>%1 (les décisions ne peuvent pas être enregistrées)</translation>
    </message>
    <message>
        <source>Exporting the review as DICOM ...</source>
        <translation>Export de la relecture en DICOM ...</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>Vigie will start in %1 next time.</source>
        <translation>Vigie s&apos;ouvrira en %1 au prochain démarrage.</translation>
    </message>
    <message>
        <source>&amp;Compare the readers on this case...</source>
        <translation>&amp;Comparer les lecteurs sur ce cas...</translation>
    </message>
    <message>
        <source>Trainers: every reader&apos;s calls on the case in front, side by side with the AI and the reference</source>
        <translation>Formateurs : les décisions de chaque lecteur sur le cas affiché, côte à côte avec l&apos;IA et la référence</translation>
    </message>
    <message>
        <source>Open a study or a photograph first</source>
        <translation>Ouvrez d&apos;abord un examen ou une photographie</translation>
    </message>
    <message>
        <source>Reading blind: the other readers&apos; calls stay hidden (AI &gt; Educational mode)</source>
        <translation>Lecture en aveugle : les décisions des autres lecteurs restent masquées (IA &gt; Mode pédagogique)</translation>
    </message>
    <message>
        <source>Images tab: left drag; right drag; middle or Ctrl+left drag; wheel</source>
        <translation>Onglet Images : glisser (bouton gauche) ; glisser (bouton droit) ; glisser (bouton du milieu, ou Ctrl+gauche) ; molette</translation>
    </message>
    <message>
        <source>Measure a length (saved); window and level; pan; zoom</source>
        <translation>Mesurer une longueur (enregistrée) ; fenêtre et niveau ; déplacer ; zoomer</translation>
    </message>
    <message>
        <source>Images tab: Space; Left / Right; Home / End</source>
        <translation>Onglet Images : Espace ; Gauche / Droite ; Début / Fin</translation>
    </message>
    <message>
        <source>Play or pause a cine; previous / next frame; first / last frame</source>
        <translation>Lire ou mettre en pause un ciné ; image précédente / suivante ; première / dernière image</translation>
    </message>
    <message>
        <source>Images tab: Up / Down, Page Up / Page Down</source>
        <translation>Onglet Images : Haut / Bas, Page préc. / Page suiv.</translation>
    </message>
    <message>
        <source>Previous / next image of the series</source>
        <translation>Image précédente / suivante de la série</translation>
    </message>
    <message>
        <source>Images tab: R; double-click</source>
        <translation>Onglet Images : R ; double-clic</translation>
    </message>
    <message>
        <source>The file&apos;s own window again; fit the image to the view</source>
        <translation>Revenir à la fenêtre du fichier ; ajuster l&apos;image à la vue</translation>
    </message>
    <message>
        <source>Images tab: Delete or Backspace</source>
        <translation>Onglet Images : Suppr ou Retour arrière</translation>
    </message>
    <message>
        <source>Withdraw the latest length on the frame shown (the store keeps the history)</source>
        <translation>Retirer la dernière longueur de l&apos;image affichée (la base de relecture garde l&apos;historique)</translation>
    </message>
    <message>
        <source>Measurements panel: Delete</source>
        <translation>Panneau Mesures : Suppr</translation>
    </message>
    <message>
        <source>Withdraw the selected measurement (the store keeps the history)</source>
        <translation>Retirer la mesure sélectionnée (la base de relecture garde l&apos;historique)</translation>
    </message>
    <message>
        <source>Second reading: the other grades stay hidden until you have graded this photograph</source>
        <translation>Deuxième lecture : les autres gradations restent masquées tant que vous n&apos;avez pas gradé cette photographie</translation>
    </message>
    <message>
        <source>Exporting the review and sending it to the PACS ...</source>
        <translation>Export de la relecture et envoi au PACS ...</translation>
    </message>
</context>
<context>
    <name>vigie::app::MeasurementsPanel</name>
    <message>
        <source>Length %1 mm (%2)</source>
        <translation>Longueur %1 mm (%2)</translation>
    </message>
    <message>
        <source>ROI %1</source>
        <extracomment>A circular region of interest&apos;s measurement; %1: its statistics.</extracomment>
        <translation>ROI %1</translation>
    </message>
    <message>
        <source>D: length, O: circular ROI (mean/SD HU), Esc: window/level</source>
        <translation>D : longueur, O : ROI circulaire (moyenne/écart-type UH), Esc : fenêtre/niveau</translation>
    </message>
    <message>
        <source>Withdraw</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>Withdraw the selected measurement (Delete): it leaves the views, the list and the exports; the review store keeps it in its history</source>
        <translation>Retirer la mesure sélectionnée (Suppr) : elle quitte les vues, la liste et les exports ; la base de relecture la garde dans son historique</translation>
    </message>
    <message>
        <source>%1, slice %2</source>
        <extracomment>Where a measurement was drawn; %1: the view (Axial, Coronal, Sagittal); %2: the slice number.</extracomment>
        <translation>%1, coupe %2</translation>
    </message>
    <message>
        <source>ROI %1: mean %2 HU, SD %3 HU, min %4, max %5, %6 mm², radius %7 mm</source>
        <extracomment>A circular ROI; %1: where (view, slice); %2 mean, %3 SD, %4 min, %5 max (HU); %6 its area; %7 its radius.</extracomment>
        <translation>ROI %1 : moyenne %2 UH, écart-type %3 UH, min %4, max %5, %6 mm², rayon %7 mm</translation>
    </message>
</context>
<context>
    <name>vigie::app::ModelCardDialog</name>
    <message>
        <source>Model card: %1</source>
        <translation>Fiche du modèle : %1</translation>
    </message>
</context>
<context>
    <name>vigie::app::PacsNodesDialog</name>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>AE title</source>
        <translation>Titre AE</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Hôte</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>DICOMweb URL</source>
        <translation>URL DICOMweb</translation>
    </message>
    <message>
        <source>TLS authorities (PEM)</source>
        <translation>Autorités TLS (PEM)</translation>
    </message>
    <message>
        <source>TLS certificate</source>
        <translation>Certificat TLS</translation>
    </message>
    <message>
        <source>TLS key</source>
        <translation>Clé TLS</translation>
    </message>
    <message>
        <source>PACS nodes</source>
        <translation>Nœuds PACS</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Ajouter</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation>&amp;Tester</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Saved in %1. A node is either AE title, host and port (DICOM; TLS when its authorities are given) or a DICOMweb URL.</source>
        <translation>Enregistré dans %1. Un nœud se définit soit par un titre AE, un hôte et un port (DICOM ; TLS si ses autorités sont indiquées), soit par une URL DICOMweb.</translation>
    </message>
    <message numerus="yes">
        <source>%n node(s)</source>
        <translation>
            <numerusform>%n nœud</numerusform>
            <numerusform>%n nœuds</numerusform>
        </translation>
    </message>
    <message>
        <source>Not saved: row %1: %2</source>
        <translation>Non enregistré : ligne %1 : %2</translation>
    </message>
    <message>
        <source>a node needs a name</source>
        <translation>un nœud doit avoir un nom</translation>
    </message>
    <message>
        <source>the name %1 is used twice</source>
        <translation>le nom %1 est utilisé deux fois</translation>
    </message>
    <message>
        <source>TLS needs the authorities&apos; PEM file</source>
        <translation>TLS nécessite le fichier PEM des autorités</translation>
    </message>
    <message>
        <source>a TLS certificate goes with its key</source>
        <translation>un certificat TLS doit être accompagné de sa clé</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n node(s) in %1</source>
        <translation>
            <numerusform>%n nœud enregistré dans %1</numerusform>
            <numerusform>%n nœuds enregistrés dans %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Asking %1 ...</source>
        <translation>Interrogation de %1 ...</translation>
    </message>
    <message>
        <source>%1 answered</source>
        <translation>%1 a répondu</translation>
    </message>
    <message>
        <source>OAuth token file (DICOMweb)</source>
        <translation>Fichier du jeton OAuth (DICOMweb)</translation>
    </message>
    <message>
        <source>a token file goes with a DICOMweb URL</source>
        <translation>un fichier de jeton va avec une URL DICOMweb</translation>
    </message>
</context>
<context>
    <name>vigie::app::PacsQueryDialog</name>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>ID</source>
        <extracomment>The patient&apos;s ID.</extracomment>
        <translation>ID</translation>
    </message>
    <message>
        <source>Modalities</source>
        <translation>Modalités</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Series</source>
        <extracomment>The number of series in the study.</extracomment>
        <translation>Séries</translation>
    </message>
    <message>
        <source>Images</source>
        <extracomment>The number of images in the study.</extracomment>
        <translation>Images</translation>
    </message>
    <message>
        <source>Query/Retrieve from a PACS</source>
        <translation>Interrogation/récupération PACS</translation>
    </message>
    <message>
        <source>ORTHANC@pacs.hospital.org:4242, https://pacs.hospital.org/dicom-web, or a configured node&apos;s name</source>
        <translation>ORTHANC@pacs.hospital.org:4242, https://pacs.hospital.org/dicom-web, ou le nom d&apos;un nœud configuré</translation>
    </message>
    <message>
        <source>DOE^J*  (* and ? match anything)</source>
        <translation>DUPONT^J*  (* et ? : caractères génériques)</translation>
    </message>
    <message>
        <source>20250101-20251231, or one day</source>
        <translation>20250101-20251231, ou un seul jour</translation>
    </message>
    <message>
        <source>CT, OP ...</source>
        <translation>CT, OP ...</translation>
    </message>
    <message>
        <source>PACS (AET@host:port, DICOMweb URL or name)</source>
        <translation>PACS (AET@hôte:port, URL DICOMweb ou nom)</translation>
    </message>
    <message>
        <source>Vigie&apos;s AE title</source>
        <translation>Titre AE de Vigie</translation>
    </message>
    <message>
        <source>Patient name</source>
        <translation>Nom du patient</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>ID patient</translation>
    </message>
    <message>
        <source>Study date</source>
        <translation>Date de l&apos;examen</translation>
    </message>
    <message>
        <source>Modality</source>
        <translation>Modalité</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Rechercher</translation>
    </message>
    <message>
        <source>&amp;Retrieve and open</source>
        <translation>Récupérer et &amp;ouvrir</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>&amp;Nodes...</source>
        <translation>&amp;Nœuds...</translation>
    </message>
    <message>
        <source>The site&apos;s PACS and DICOMweb nodes, by name</source>
        <translation>Les nœuds PACS et DICOMweb du site, par nom</translation>
    </message>
    <message>
        <source>Searching %1 ...</source>
        <translation>Recherche sur %1 ...</translation>
    </message>
    <message>
        <source>1 study found</source>
        <translation>1 examen trouvé</translation>
    </message>
    <message numerus="yes">
        <source>%n studies found</source>
        <translation>
            <numerusform>%n examen trouvé</numerusform>
            <numerusform>%n examens trouvés</numerusform>
        </translation>
    </message>
    <message>
        <source>Retrieving study %1 ...</source>
        <translation>Récupération de l&apos;examen %1 ...</translation>
    </message>
    <message numerus="yes">
        <source>Retrieving: %1 of %n objects</source>
        <translation>
            <numerusform>Récupération : %1 sur %n objet</numerusform>
            <numerusform>Récupération : %1 sur %n objets</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Retrieving: %n objects</source>
        <translation>
            <numerusform>Récupération : %n objet</numerusform>
            <numerusform>Récupération : %n objets</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n objects retrieved</source>
        <translation>
            <numerusform>%n objet récupéré</numerusform>
            <numerusform>%n objets récupérés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n objects retrieved; %1</source>
        <extracomment>%1: what went wrong, separated by &quot;; &quot;.</extracomment>
        <translation>
            <numerusform>%n objet récupéré ; %1</numerusform>
            <numerusform>%n objets récupérés ; %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> Mo</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sans limite</translation>
    </message>
    <message>
        <source>Retrieval stops once the cache folder holds this much: the disk does not fill up</source>
        <translation>La récupération s&apos;arrête quand le dossier cache atteint cette taille : le disque ne se remplit pas</translation>
    </message>
    <message>
        <source>Cache limit</source>
        <translation>Limite du cache</translation>
    </message>
</context>
<context>
    <name>vigie::app::PlanarImageView</name>
    <message>
        <source>%1 px</source>
        <extracomment>A length in pixels (the image is not calibrated).</extracomment>
        <translation>%1 px</translation>
    </message>
    <message>
        <source>not calibrated</source>
        <translation>non calibré</translation>
    </message>
    <message>
        <source>%1 × %2 mm</source>
        <extracomment>The pixel spacing: between rows × between columns.</extracomment>
        <translation>%1 × %2 mm</translation>
    </message>
    <message>
        <source>calibrated: Pixel Spacing %1</source>
        <extracomment>%1: the pixel spacing (Pixel Spacing is the DICOM attribute&apos;s name).</extracomment>
        <translation>calibré : Pixel Spacing %1</translation>
    </message>
    <message>
        <source>at the detector (Imager Pixel Spacing) %1</source>
        <extracomment>%1: the pixel spacing (Imager Pixel Spacing is the DICOM attribute&apos;s name).</extracomment>
        <translation>au détecteur (Imager Pixel Spacing) %1</translation>
    </message>
    <message>
        <source>ultrasound region %1</source>
        <extracomment>%1: the pixel spacing of the ultrasound region.</extracomment>
        <translation>région échographique %1</translation>
    </message>
    <message>
        <source>Image without pixels</source>
        <translation>Image sans pixels</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>Aucune image</translation>
    </message>
    <message>
        <source>image %1 / %2</source>
        <translation>image %1 / %2</translation>
    </message>
    <message>
        <source>W %1 / %2</source>
        <extracomment>The display window: its centre / its width.</extracomment>
        <translation>W %1 / %2</translation>
    </message>
    <message>
        <source>luminance %1</source>
        <translation>luminance %1</translation>
    </message>
    <message>
        <source>%1 at (%2, %3)</source>
        <extracomment>%1: the value under the mouse; (%2, %3): the pixel&apos;s column and row.</extracomment>
        <translation>%1 en (%2, %3)</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Lecture</translation>
    </message>
    <message>
        <source>Play or pause the cine loop (Space)</source>
        <translation>Lire ou mettre en pause la boucle ciné (Espace)</translation>
    </message>
    <message>
        <source>image </source>
        <extracomment>Before the image&apos;s number in the series: &quot;image 3 / 12&quot;.</extracomment>
        <translation>image </translation>
    </message>
    <message>
        <source>Image of the series (Up/Down, PageUp/PageDown)</source>
        <translation>Image de la série (Haut/Bas, Pg préc/Pg suiv)</translation>
    </message>
    <message>
        <source>frame %1 / %2 · %3 fps</source>
        <extracomment>%1 / %2: the frame shown and the frames; %3: frames per second.</extracomment>
        <translation>trame %1 / %2 · %3 i/s</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>%1 px (not within one ultrasound region)</source>
        <extracomment>A length in pixels: its ends are not inside one calibrated ultrasound region.</extracomment>
        <translation>%1 px (pas dans une même région échographique)</translation>
    </message>
    <message>
        <source>VOI LUT %1</source>
        <extracomment>The image is drawn through the lookup table its file gives (%1: the table&apos;s name, may be empty); VOI LUT is the DICOM term.</extracomment>
        <translation>LUT VOI %1</translation>
    </message>
</context>
<context>
    <name>vigie::app::PlanarMeasurementRecorder</name>
    <message>
        <source>The length was NOT saved: %1 has no Study or SOP Instance UID</source>
        <translation>La longueur n&apos;a PAS été enregistrée : %1 n&apos;a pas de Study ou de SOP Instance UID</translation>
    </message>
    <message>
        <source>The length was NOT saved (see Problems)</source>
        <translation>La longueur n&apos;a PAS été enregistrée (voir Problèmes)</translation>
    </message>
    <message>
        <source>Length %1 %2 saved</source>
        <translation>Longueur %1 %2 enregistrée</translation>
    </message>
    <message>
        <source>px</source>
        <translation>px</translation>
    </message>
    <message>
        <source>The length was NOT withdrawn (see Problems)</source>
        <translation>La longueur n&apos;a PAS été retirée (voir Problèmes)</translation>
    </message>
    <message>
        <source>Length withdrawn</source>
        <translation>Longueur retirée</translation>
    </message>
</context>
<context>
    <name>vigie::app::ProblemReporter</name>
    <message>
        <source>none</source>
        <extracomment>The Problems list when there is no problem.</extracomment>
        <translation>aucun</translation>
    </message>
</context>
<context>
    <name>vigie::app::ReaderStatisticsDialog</name>
    <message>
        <source>CT sensitivity</source>
        <translation>Sensibilité TDM</translation>
    </message>
    <message>
        <source>FP / case</source>
        <extracomment>False positives per CT case.</extracomment>
        <translation>FP / examen</translation>
    </message>
    <message>
        <source>Confirm rate</source>
        <extracomment>The share of the AI&apos;s findings the reader confirmed.</extracomment>
        <translation>Taux de confirmation</translation>
    </message>
    <message>
        <source>Reject rate</source>
        <extracomment>The share of the AI&apos;s findings the reader rejected (not a nodule).</extracomment>
        <translation>Taux de rejet</translation>
    </message>
    <message>
        <source>Referable sensitivity</source>
        <translation>Sensibilité RD à adresser</translation>
    </message>
    <message>
        <source>Referable specificity</source>
        <translation>Spécificité RD à adresser</translation>
    </message>
    <message>
        <source>Kappa</source>
        <translation>Kappa</translation>
    </message>
    <message>
        <source>Weighted kappa</source>
        <translation>Kappa pondéré</translation>
    </message>
    <message>
        <source>Gradability</source>
        <extracomment>Agreement with the reference on whether a photograph can be graded.</extracomment>
        <translation>Interprétabilité</translation>
    </message>
    <message>
        <source>Time / case</source>
        <extracomment>Reading time per case.</extracomment>
        <translation>Temps / examen</translation>
    </message>
    <message>
        <source>%1 (%2-%3), n %4</source>
        <extracomment>A figure with its 95 % interval (low-high) and the number of cases it stands on.</extracomment>
        <translation>%1 (%2-%3), n %4</translation>
    </message>
    <message>
        <source>Reader statistics</source>
        <translation>Statistiques des lecteurs</translation>
    </message>
    <message>
        <source>a labels CSV, a truth folder, CT case folders, or experts&apos; reports (import-sr)</source>
        <translation>un CSV d&apos;étiquettes, un dossier de vérité terrain, des dossiers de cas TDM ou des comptes rendus d&apos;experts (import-sr)</translation>
    </message>
    <message>
        <source>Folder...</source>
        <translation>Dossier...</translation>
    </message>
    <message>
        <source>Labels CSV...</source>
        <translation>CSV d&apos;étiquettes...</translation>
    </message>
    <message>
        <source>Reference folder</source>
        <translation>Dossier de référence</translation>
    </message>
    <message>
        <source>Labels CSV</source>
        <translation>CSV d&apos;étiquettes</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>YYYY-MM-DD (any)</source>
        <translation>AAAA-MM-JJ (facultatif)</translation>
    </message>
    <message>
        <source>to</source>
        <translation>au</translation>
    </message>
    <message>
        <source>Me by name, the others as anonymised peers</source>
        <translation>Moi nominativement, les autres lecteurs anonymisés</translation>
    </message>
    <message>
        <source>&amp;Compute</source>
        <translation>&amp;Calculer</translation>
    </message>
    <message>
        <source>Reference:</source>
        <translation>Référence :</translation>
    </message>
    <message>
        <source>Reads from:</source>
        <translation>Lectures du :</translation>
    </message>
    <message>
        <source>The cases behind the selected figure (double-click to open one):</source>
        <translation>Cas à l&apos;origine du chiffre sélectionné (double-clic pour en ouvrir un) :</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>Indicateurs</translation>
    </message>
    <message>
        <source>CT: FROC</source>
        <translation>TDM : FROC</translation>
    </message>
    <message>
        <source>Fundus: agreement</source>
        <translation>Fond d&apos;œil : concordance</translation>
    </message>
    <message>
        <source>Choose a reference first: what readers and the AI are judged against.</source>
        <translation>Choisissez d&apos;abord une référence : ce à quoi les lecteurs et l&apos;IA sont comparés.</translation>
    </message>
    <message>
        <source>%1: not a date (YYYY-MM-DD)</source>
        <translation>%1 : date invalide (AAAA-MM-JJ)</translation>
    </message>
    <message>
        <source>Computing...</source>
        <translation>Calcul...</translation>
    </message>
    <message numerus="yes">
        <source>%n readers; %1 CT reference cases, %2 reference photographs. Intervals: 95 % (Wilson for proportions, bootstrap over cases otherwise).</source>
        <translation>
            <numerusform>%n lecteur ; cas TDM de référence : %1, photographies de référence : %2. Intervalles de confiance à 95 % (Wilson pour les proportions, sinon bootstrap sur les cas).</numerusform>
            <numerusform>%n lecteurs ; cas TDM de référence : %1, photographies de référence : %2. Intervalles de confiance à 95 % (Wilson pour les proportions, sinon bootstrap sur les cas).</numerusform>
        </translation>
    </message>
    <message>
        <source>CT: the AI&apos;s FROC curve and each reader&apos;s operating point (95 % intervals)</source>
        <translation>TDM : courbe FROC de l&apos;IA et point de fonctionnement de chaque lecteur (IC à 95 %)</translation>
    </message>
    <message>
        <source>AI</source>
        <translation>IA</translation>
    </message>
    <message>
        <source>false positives per case</source>
        <translation>faux positifs par examen</translation>
    </message>
    <message>
        <source>sensitivity</source>
        <translation>sensibilité</translation>
    </message>
    <message>
        <source>Fundus: referable sensitivity, specificity and weighted kappa (95 % intervals)</source>
        <translation>Fond d&apos;œil : sensibilité et spécificité (RD à adresser), kappa pondéré (IC à 95 %)</translation>
    </message>
    <message>
        <source>referable sensitivity</source>
        <translation>sensibilité (à adresser)</translation>
    </message>
    <message>
        <source>referable specificity</source>
        <translation>spécificité (à adresser)</translation>
    </message>
    <message>
        <source>weighted kappa</source>
        <translation>kappa pondéré</translation>
    </message>
    <message>
        <source>value</source>
        <translation>valeur</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 of %n nodules found, %3 false positives</source>
        <extracomment>%1: the case; %2: the nodules the reader found, of %n; %3: false positives.</extracomment>
        <translation>
            <numerusform>%1 : %2 sur %n nodule trouvé, faux positifs : %3</numerusform>
            <numerusform>%1 : %2 sur %n nodules trouvés, faux positifs : %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 of %n nodules found, %3 false positives; missed nodule %4</source>
        <extracomment>%1: the case; %2: the nodules the reader found, of %n; %3: false positives; %4: the numbers of the nodules missed, separated by &quot;, &quot;.</extracomment>
        <translation>
            <numerusform>%1 : %2 sur %n nodule trouvé, faux positifs : %3 ; nodule manqué : %4</numerusform>
            <numerusform>%1 : %2 sur %n nodules trouvés, faux positifs : %3 ; nodules manqués : %4</numerusform>
        </translation>
    </message>
    <message>
        <source>ungradable</source>
        <translation>ininterprétable</translation>
    </message>
    <message>
        <source>gradable</source>
        <translation>interprétable</translation>
    </message>
    <message>
        <source>%1: grade %2, reference %3</source>
        <extracomment>%1: the photograph; %2: the reader&apos;s grade; %3: the reference&apos;s grade.</extracomment>
        <translation>%1 : grade %2, référence %3</translation>
    </message>
    <message>
        <source>%1: grade %2, reference %3 (%4)</source>
        <extracomment>%1: the photograph; %2: the reader&apos;s grade; %3: the reference&apos;s grade; %4: the referral outcome (TP, FN, TN, FP).</extracomment>
        <translation>%1 : grade %2, référence %3 (%4)</translation>
    </message>
    <message>
        <source>%1: the store does not say where this case&apos;s images are</source>
        <translation>%1 : la base de relecture n&apos;indique pas où se trouvent les images de ce cas</translation>
    </message>
    <message>
        <source>Edit rate</source>
        <extracomment>The share of the AI&apos;s findings the reader edited (moved or resized).</extracomment>
        <translation>Taux de modification</translation>
    </message>
    <message>
        <source>%1: %2 s</source>
        <extracomment>%1: the case or photograph; %2: the seconds the reader spent on it.</extracomment>
        <translation>%1 : %2 s</translation>
    </message>
</context>
<context>
    <name>vigie::app::ReviewExporter</name>
    <message>
        <source>%1: the series is gone</source>
        <translation>%1 : la série n&apos;existe plus</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n findings (%1 accepted) to %2; sending to %3 failed: %4</source>
        <extracomment>%1: findings accepted by the readers, of %n; %2: the folder; %3: the PACS; %4: what went wrong.</extracomment>
        <translation>
            <numerusform>%n anomalie exportée (acceptée : %1) vers %2 ; échec de l&apos;envoi à %3 : %4</numerusform>
            <numerusform>%n anomalies exportées (acceptées : %1) vers %2 ; échec de l&apos;envoi à %3 : %4</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n findings (%1 accepted) to %2</source>
        <extracomment>%1: findings accepted by the readers, of %n; %2: the folder.</extracomment>
        <translation>
            <numerusform>%n anomalie exportée (acceptée : %1) vers %2</numerusform>
            <numerusform>%n anomalies exportées (acceptées : %1) vers %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n findings (%1 accepted) to %2 and sent to %3</source>
        <extracomment>%1: findings accepted by the readers, of %n; %2: the folder; %3: the PACS.</extracomment>
        <translation>
            <numerusform>%n anomalie exportée (acceptée : %1) vers %2 et envoyée à %3</numerusform>
            <numerusform>%n anomalies exportées (acceptées : %1) vers %2 et envoyées à %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n lengths on 2D images to %1</source>
        <extracomment>%1: the folder; %n: lengths drawn on 2D images (radiographs, ultrasound ...).</extracomment>
        <translation>
            <numerusform>%n longueur sur des images 2D exportée vers %1</numerusform>
            <numerusform>%n longueurs sur des images 2D exportées vers %1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1; sending to %2 failed: %3</source>
        <extracomment>%1: what was exported; %2: the PACS; %3: what went wrong.</extracomment>
        <translation>%1 ; l&apos;envoi à %2 a échoué : %3</translation>
    </message>
    <message>
        <source>%1 and sent to %2</source>
        <extracomment>%1: what was exported; %2: the PACS.</extracomment>
        <translation>%1 et envoyé à %2</translation>
    </message>
    <message>
        <source>Open a study and a review store first</source>
        <translation>Ouvrez d&apos;abord un examen et une base de relecture</translation>
    </message>
    <message>
        <source>No PACS chosen yet: File &gt; Query/Retrieve names it</source>
        <translation>Aucun PACS choisi : indiquez-le dans Fichier &gt; Interrogation/récupération PACS</translation>
    </message>
</context>
<context>
    <name>vigie::app::ReviewSession</name>
    <message>
        <source>No review store is open: the decision was not saved</source>
        <translation>Aucune base de relecture ouverte : la décision n&apos;a pas été enregistrée</translation>
    </message>
    <message>
        <source>No review store is open: the model run was not saved</source>
        <translation>Aucune base de relecture ouverte : l&apos;exécution du modèle n&apos;a pas été enregistrée</translation>
    </message>
    <message>
        <source>No review store is open: the measurement was not saved</source>
        <translation>Aucune base de relecture ouverte : la mesure n&apos;a pas été enregistrée</translation>
    </message>
    <message>
        <source>No review store is open: the grade was not saved</source>
        <translation>Aucune base de relecture ouverte : le grade n&apos;a pas été enregistré</translation>
    </message>
    <message>
        <source>No review store is open: the lesion mark was not saved</source>
        <translation>Aucune base de relecture ouverte : le marquage de lésion n&apos;a pas été enregistré</translation>
    </message>
    <message>
        <source>No review store is open: the model result was not saved</source>
        <translation>Aucune base de relecture ouverte : le résultat du modèle n&apos;a pas été enregistré</translation>
    </message>
    <message>
        <source>No review store is open: the worklist change was not saved</source>
        <translation>Aucune base de relecture ouverte : la modification de la liste de travail n&apos;a pas été enregistrée</translation>
    </message>
    <message>
        <source>No review store is open: the comment was not saved</source>
        <translation>Aucune base de relecture ouverte : le commentaire n&apos;a pas été enregistré</translation>
    </message>
    <message>
        <source>no study is open to comment on</source>
        <translation>aucun examen ouvert à commenter</translation>
    </message>
    <message>
        <source>an empty comment is not recorded</source>
        <translation>un commentaire vide n&apos;est pas enregistré</translation>
    </message>
    <message>
        <source>no case is open to comment on</source>
        <translation>aucun examen n&apos;est ouvert à commenter</translation>
    </message>
</context>
<context>
    <name>vigie::app::SliceViewport</name>
    <message>
        <source>%1 %2/%3
%4 = %5 mm</source>
        <extracomment>%1: the plane (Axial ...); %2/%3: the slice and the slices; %4 = %5: the axis (x, y or z) and the slice&apos;s position on it.</extracomment>
        <translation>%1 %2/%3
%4 = %5 mm</translation>
    </message>
    <message>
        <source>W %1  L %2</source>
        <extracomment>The display window: W its width, L its level (centre), in HU.</extracomment>
        <translation>W %1  L %2</translation>
    </message>
    <message>
        <source>%1
No study open: File &gt; Open folder (Ctrl+O),
or drop one here</source>
        <translation>%1
Aucun examen ouvert : Fichier &gt; Ouvrir un dossier (Ctrl+O),
ou déposez-en un ici</translation>
    </message>
    <message>
        <source>A</source>
        <comment>anterior</comment>
        <translation>A</translation>
    </message>
    <message>
        <source>P</source>
        <comment>posterior</comment>
        <translation>P</translation>
    </message>
    <message>
        <source>R</source>
        <comment>the patient&apos;s right</comment>
        <translation>D</translation>
    </message>
    <message>
        <source>L</source>
        <comment>the patient&apos;s left</comment>
        <translation>G</translation>
    </message>
    <message>
        <source>S</source>
        <comment>superior</comment>
        <translation>S</translation>
    </message>
    <message>
        <source>I</source>
        <comment>inferior</comment>
        <translation>I</translation>
    </message>
</context>
<context>
    <name>vigie::app::StatusProgress</name>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
</context>
<context>
    <name>vigie::app::StudyBrowser</name>
    <message numerus="yes">
        <source>Study without date (%n series)</source>
        <translation>
            <numerusform>Examen sans date (%n série)</numerusform>
            <numerusform>Examen sans date (%n séries)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Study %1 (%n series)</source>
        <extracomment>%1: the study&apos;s date (YYYY-MM-DD).</extracomment>
        <translation>
            <numerusform>Examen du %1 (%n série)</numerusform>
            <numerusform>Examen du %1 (%n séries)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1
%2, 1 image (2D)</source>
        <translation>%1
%2, 1 image (2D)</translation>
    </message>
    <message numerus="yes">
        <source>%1
%2, %n frames (2D)</source>
        <translation>
            <numerusform>%1
%2, %n image (2D)</numerusform>
            <numerusform>%1
%2, %n images (2D)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1
%2, 1 image</source>
        <translation>%1
%2, 1 image</translation>
    </message>
    <message numerus="yes">
        <source>%1
%2, %n slices</source>
        <translation>
            <numerusform>%1
%2, %n coupe</numerusform>
            <numerusform>%1
%2, %n coupes</numerusform>
        </translation>
    </message>
    <message>
        <source>(no description)</source>
        <translation>(sans description)</translation>
    </message>
    <message>
        <source>Double-click to show these images in the 2D view</source>
        <translation>Double-cliquer pour afficher ces images dans la vue 2D</translation>
    </message>
    <message>
        <source>Double-click to show this series</source>
        <translation>Double-cliquer pour afficher cette série</translation>
    </message>
    <message>
        <source>A single slice: nothing to stack into a volume</source>
        <translation>Une seule coupe : pas de volume à reconstruire</translation>
    </message>
</context>
<context>
    <name>vigie::app::StudyLoader</name>
    <message>
        <source>%1 (%2)
study %3</source>
        <extracomment>The views&apos; corner: the patient&apos;s name (ID), then the study&apos;s date.</extracomment>
        <translation>%1 (%2)
examen du %3</translation>
    </message>
    <message>
        <source>%1: loading cancelled</source>
        <translation>%1 : chargement annulé</translation>
    </message>
    <message>
        <source>%1: no image could be read</source>
        <translation>%1 : aucune image n&apos;a pu être lue</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modality %2, %n image(s), %3 frame(s)&lt;br&gt;%4 x %5 pixels, %6&lt;br&gt;shown as 2D images: %7&lt;br&gt;%8 series in folder</source>
        <extracomment>The study panel&apos;s summary of a 2D series: %1 its description; %2 its modality; %n its images; %3 their frames; %4 x %5 the image&apos;s size; %6 its calibration; %7 why it is shown as 2D images; %8 the series found in the folder.</extracomment>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modalité %2, %n image, trames : %3&lt;br&gt;%4 x %5 pixels, %6&lt;br&gt;affichée en images 2D : %7&lt;br&gt;séries dans le dossier : %8</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modalité %2, %n images, trames : %3&lt;br&gt;%4 x %5 pixels, %6&lt;br&gt;affichée en images 2D : %7&lt;br&gt;séries dans le dossier : %8</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: series %2 is not there any more</source>
        <translation>%1 : la série %2 n&apos;existe plus</translation>
    </message>
    <message>
        <source>%1: series %2 has a single image; a volume needs two or more slices</source>
        <translation>%1 : la série %2 ne contient qu&apos;une image ; un volume nécessite au moins deux coupes</translation>
    </message>
    <message>
        <source>%1: nothing to show: no volume of two or more slices and no 2D images (%2 series, %3 unreadable files, %4 non-DICOM files)</source>
        <extracomment>%1: the file or folder opened; %2: the series found; %3, %4: the files skipped.</extracomment>
        <translation>%1 : rien à afficher : ni volume d&apos;au moins deux coupes, ni images 2D (séries : %2, fichiers illisibles : %3, fichiers non DICOM : %4)</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modality %2, %n images&lt;br&gt;%3 x %4 x %5 voxels&lt;br&gt;spacing %6 x %7 x %8 mm&lt;br&gt;%9 series in folder</source>
        <extracomment>The study panel&apos;s summary of a CT series: %1 its description; %2 its modality; %n its images; %3 x %4 x %5 the volume&apos;s size; %6 x %7 x %8 its voxel spacing; %9 the series found in the folder.</extracomment>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modalité %2, %n image&lt;br&gt;%3 x %4 x %5 voxels&lt;br&gt;espacement %6 x %7 x %8 mm&lt;br&gt;séries dans le dossier : %9</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modalité %2, %n images&lt;br&gt;%3 x %4 x %5 voxels&lt;br&gt;espacement %6 x %7 x %8 mm&lt;br&gt;séries dans le dossier : %9</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::VolumeRenderView</name>
    <message>
        <source>Soft tissue</source>
        <extracomment>A 3D rendering preset.</extracomment>
        <translation>Tissus mous</translation>
    </message>
    <message>
        <source>Bone</source>
        <extracomment>A 3D rendering preset.</extracomment>
        <translation>Os</translation>
    </message>
    <message>
        <source>Lungs</source>
        <extracomment>A 3D rendering preset.</extracomment>
        <translation>Poumons</translation>
    </message>
    <message>
        <source>3D</source>
        <translation>3D</translation>
    </message>
    <message>
        <source>3D: preparing...</source>
        <translation>3D : préparation...</translation>
    </message>
    <message>
        <source>3D: %1</source>
        <translation>3D : %1</translation>
    </message>
    <message>
        <source>3D: %1 (shown on a %2 mm grid)</source>
        <extracomment>%1: the 3D rendering preset; %2: the spacing of the coarser grid rendered.</extracomment>
        <translation>3D : %1 (affiché sur une grille de %2 mm)</translation>
    </message>
</context>
<context>
    <name>vigie::app::WorklistPanel</name>
    <message>
        <source>#</source>
        <extracomment>The case&apos;s rank in the AI&apos;s triage order.</extracomment>
        <translation>#</translation>
    </message>
    <message>
        <source>Lane</source>
        <extracomment>The worklist&apos;s triage lane (flagged, awaiting AI, AI-normal, done).</extracomment>
        <translation>Tri</translation>
    </message>
    <message>
        <source>AI</source>
        <extracomment>The AI&apos;s suspicion score.</extracomment>
        <translation>IA</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Anomalies</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorité</translation>
    </message>
    <message>
        <source>Modality</source>
        <translation>Modalité</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Assigné à</translation>
    </message>
    <message>
        <source>Readers</source>
        <translation>Lecteurs</translation>
    </message>
    <message>
        <source>Disagree</source>
        <extracomment>The readers, or a reader and the AI, disagree on the case.</extracomment>
        <translation>Désaccord</translation>
    </message>
    <message>
        <source>Waiting</source>
        <extracomment>How long the case has waited, in hours.</extracomment>
        <translation>Attente</translation>
    </message>
    <message>
        <source>flagged</source>
        <extracomment>A worklist lane: the AI flagged the case.</extracomment>
        <translation>signalé</translation>
    </message>
    <message>
        <source>awaiting AI</source>
        <extracomment>A worklist lane: the AI has not run on the case yet.</extracomment>
        <translation>en attente IA</translation>
    </message>
    <message>
        <source>AI-normal</source>
        <extracomment>A worklist lane: the AI found nothing.</extracomment>
        <translation>normal (IA)</translation>
    </message>
    <message>
        <source>done</source>
        <extracomment>A worklist lane: the case is read.</extracomment>
        <translation>terminé</translation>
    </message>
    <message>
        <source>All cases</source>
        <translation>Tous les cas</translation>
    </message>
    <message>
        <source>Flagged by the AI</source>
        <translation>Signalés par l&apos;IA</translation>
    </message>
    <message>
        <source>Awaiting the AI</source>
        <translation>En attente de l&apos;IA</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Terminés</translation>
    </message>
    <message>
        <source>Unread</source>
        <translation>Non lus</translation>
    </message>
    <message>
        <source>Reader/AI disagreements</source>
        <translation>Désaccords lecteur/IA</translation>
    </message>
    <message>
        <source>Assigned to me</source>
        <translation>Qui me sont assignés</translation>
    </message>
    <message>
        <source>Awaiting a second reading</source>
        <translation>En attente de seconde lecture</translation>
    </message>
    <message>
        <source>Arbitration queue</source>
        <translation>File d&apos;arbitrage</translation>
    </message>
    <message>
        <source>Hide names</source>
        <translation>Masquer les noms</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>M&apos;assigner</translation>
    </message>
    <message>
        <source>Mark read</source>
        <extracomment>Marks the selected case as read (past participle).</extracomment>
        <translation>Marquer comme lu</translation>
    </message>
    <message>
        <source>grade %1</source>
        <translation>grade %1</translation>
    </message>
    <message>
        <source>(hidden)</source>
        <translation>(masqué)</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>%1 h</source>
        <extracomment>Hours the case has waited.</extracomment>
        <translation>%1 h</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n cases</source>
        <extracomment>%1: the cases the filter shows, of %n.</extracomment>
        <translation>
            <numerusform>%1 sur %n cas</numerusform>
            <numerusform>%1 sur %n cas</numerusform>
        </translation>
    </message>
    <message>
        <source>The case %1 has no local copy to open (retrieve it from the PACS)</source>
        <translation>Le cas %1 n&apos;a pas de copie locale à ouvrir (récupérez-le depuis le PACS)</translation>
    </message>
    <message>
        <source>AI &gt;= </source>
        <extracomment>The worklist&apos;s score filter, before the score (&quot;AI &gt;= 0.50&quot;).</extracomment>
        <translation>IA &gt;= </translation>
    </message>
    <message>
        <source>Any AI score</source>
        <extracomment>The worklist&apos;s score filter when it is off.</extracomment>
        <translation>Tout score IA</translation>
    </message>
    <message>
        <source>Any reader</source>
        <translation>Tout lecteur</translation>
    </message>
    <message>
        <source>Any modality</source>
        <translation>Toute modalité</translation>
    </message>
    <message>
        <source>Study date from</source>
        <translation>Date de l&apos;examen du</translation>
    </message>
    <message>
        <source>to</source>
        <extracomment>Between the worklist&apos;s two study dates (&quot;from 2026-11-01 to 2026-11-30&quot;).</extracomment>
        <translation>au</translation>
    </message>
</context>
</TS>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
<context>
    <name>vigie::app::CtReadingController</name>
    <message numerus="yes">
        <source>Axial, middle slice
loading %n slices ...</source>
        <translation>
            <numerusform>Axial, middle slice
loading %n slice ...</numerusform>
            <numerusform>Axial, middle slice
loading %n slices ...</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::CtReviewController</name>
    <message numerus="yes">
        <source>%n nodules</source>
        <translation>
            <numerusform>%n nodule</numerusform>
            <numerusform>%n nodules</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n false positives</source>
        <translation>
            <numerusform>%n false positive</numerusform>
            <numerusform>%n false positives</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 %2 (%3)
Ran on %4 in %5 s: %n findings.
%6</source>
        <extracomment>%1 %2 (%3): the model&apos;s name, version and id; %4: the device it ran on (cpu, cuda ...); %5: seconds; %6: the model&apos;s intended use.</extracomment>
        <translation>
            <numerusform>%1 %2 (%3)
Ran on %4 in %5 s: %n finding.
%6</numerusform>
            <numerusform>%1 %2 (%3)
Ran on %4 in %5 s: %n findings.
%6</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n findings from %1 in %2 s</source>
        <translation>
            <numerusform>%n finding from %1 in %2 s</numerusform>
            <numerusform>%n findings from %1 in %2 s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::FundusAssessmentPanel</name>
    <message numerus="yes">
        <source>%n lesion regions</source>
        <translation>
            <numerusform>%n lesion region</numerusform>
            <numerusform>%n lesion regions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Overlay: occlusion map (no lesion output); %n regions weigh most</source>
        <translation>
            <numerusform>Overlay: occlusion map (no lesion output); %n region weighs most</numerusform>
            <numerusform>Overlay: occlusion map (no lesion output); %n regions weigh most</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n lesion marks by the reader (right-click one with M on to remove it).</source>
        <translation>
            <numerusform>%n lesion mark by the reader (right-click it with M on to remove it).</numerusform>
            <numerusform>%n lesion marks by the reader (right-click one with M on to remove it).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::FundusReviewController</name>
    <message numerus="yes">
        <source>Recorded: grade %1 by %2 at %3 (%n grade(s) in the history)</source>
        <extracomment>%1: the DR grade; %2: the reader; %3: when; %n: the grades recorded for the photograph.</extracomment>
        <translation>
            <numerusform>Recorded: grade %1 by %2 at %3 (%n grade in the history)</numerusform>
            <numerusform>Recorded: grade %1 by %2 at %3 (%n grades in the history)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Recorded: grade %1 by %2 at %3: %4 (%n grade(s) in the history)</source>
        <extracomment>%1: the DR grade; %2: the reader; %3: when; %4: the reader&apos;s note; %n: the grades recorded for the photograph.</extracomment>
        <translation>
            <numerusform>Recorded: grade %1 by %2 at %3: %4 (%n grade in the history)</numerusform>
            <numerusform>Recorded: grade %1 by %2 at %3: %4 (%n grades in the history)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Recorded: grade %1, ungradable by %2 at %3 (%n grade(s) in the history)</source>
        <extracomment>%1: the DR grade; %2: the reader; %3: when; %n: the grades recorded for the photograph.</extracomment>
        <translation>
            <numerusform>Recorded: grade %1, ungradable by %2 at %3 (%n grade in the history)</numerusform>
            <numerusform>Recorded: grade %1, ungradable by %2 at %3 (%n grades in the history)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Recorded: grade %1, ungradable by %2 at %3: %4 (%n grade(s) in the history)</source>
        <extracomment>%1: the DR grade; %2: the reader; %3: when; %4: the reader&apos;s note; %n: the grades recorded for the photograph.</extracomment>
        <translation>
            <numerusform>Recorded: grade %1, ungradable by %2 at %3: %4 (%n grade in the history)</numerusform>
            <numerusform>Recorded: grade %1, ungradable by %2 at %3: %4 (%n grades in the history)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::PacsNodesDialog</name>
    <message numerus="yes">
        <source>%n node(s)</source>
        <translation>
            <numerusform>%n node</numerusform>
            <numerusform>%n nodes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved %n node(s) in %1</source>
        <translation>
            <numerusform>Saved %n node in %1</numerusform>
            <numerusform>Saved %n nodes in %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::PacsQueryDialog</name>
    <message numerus="yes">
        <source>%n studies found</source>
        <translation>
            <numerusform>%n study found</numerusform>
            <numerusform>%n studies found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Retrieving: %1 of %n objects</source>
        <translation>
            <numerusform>Retrieving: %1 of %n object</numerusform>
            <numerusform>Retrieving: %1 of %n objects</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Retrieving: %n objects</source>
        <translation>
            <numerusform>Retrieving: %n object</numerusform>
            <numerusform>Retrieving: %n objects</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n objects retrieved</source>
        <translation>
            <numerusform>%n object retrieved</numerusform>
            <numerusform>%n objects retrieved</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n objects retrieved; %1</source>
        <extracomment>%1: what went wrong, separated by &quot;; &quot;.</extracomment>
        <translation>
            <numerusform>%n object retrieved; %1</numerusform>
            <numerusform>%n objects retrieved; %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::ReaderStatisticsDialog</name>
    <message numerus="yes">
        <source>%n readers; %1 CT reference cases, %2 reference photographs. Intervals: 95 % (Wilson for proportions, bootstrap over cases otherwise).</source>
        <translation>
            <numerusform>%n reader; %1 CT reference cases, %2 reference photographs. Intervals: 95 % (Wilson for proportions, bootstrap over cases otherwise).</numerusform>
            <numerusform>%n readers; %1 CT reference cases, %2 reference photographs. Intervals: 95 % (Wilson for proportions, bootstrap over cases otherwise).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 of %n nodules found, %3 false positives</source>
        <extracomment>%1: the case; %2: the nodules the reader found, of %n; %3: false positives.</extracomment>
        <translation>
            <numerusform>%1: %2 of %n nodule found, %3 false positives</numerusform>
            <numerusform>%1: %2 of %n nodules found, %3 false positives</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 of %n nodules found, %3 false positives; missed nodule %4</source>
        <extracomment>%1: the case; %2: the nodules the reader found, of %n; %3: false positives; %4: the numbers of the nodules missed, separated by &quot;, &quot;.</extracomment>
        <translation>
            <numerusform>%1: %2 of %n nodule found, %3 false positives; missed nodule %4</numerusform>
            <numerusform>%1: %2 of %n nodules found, %3 false positives; missed nodule %4</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::ReviewExporter</name>
    <message numerus="yes">
        <source>Exported %n findings (%1 accepted) to %2; sending to %3 failed: %4</source>
        <extracomment>%1: findings accepted by the readers, of %n; %2: the folder; %3: the PACS; %4: what went wrong.</extracomment>
        <translation>
            <numerusform>Exported %n finding (%1 accepted) to %2; sending to %3 failed: %4</numerusform>
            <numerusform>Exported %n findings (%1 accepted) to %2; sending to %3 failed: %4</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n findings (%1 accepted) to %2</source>
        <extracomment>%1: findings accepted by the readers, of %n; %2: the folder.</extracomment>
        <translation>
            <numerusform>Exported %n finding (%1 accepted) to %2</numerusform>
            <numerusform>Exported %n findings (%1 accepted) to %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n findings (%1 accepted) to %2 and sent to %3</source>
        <extracomment>%1: findings accepted by the readers, of %n; %2: the folder; %3: the PACS.</extracomment>
        <translation>
            <numerusform>Exported %n finding (%1 accepted) to %2 and sent to %3</numerusform>
            <numerusform>Exported %n findings (%1 accepted) to %2 and sent to %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n lengths on 2D images to %1</source>
        <extracomment>%1: the folder; %n: lengths drawn on 2D images (radiographs, ultrasound ...).</extracomment>
        <translation>
            <numerusform>Exported %n length on 2D images to %1</numerusform>
            <numerusform>Exported %n lengths on 2D images to %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::StudyBrowser</name>
    <message numerus="yes">
        <source>Study without date (%n series)</source>
        <translation>
            <numerusform>Study without date (%n series)</numerusform>
            <numerusform>Study without date (%n series)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Study %1 (%n series)</source>
        <extracomment>%1: the study&apos;s date (YYYY-MM-DD).</extracomment>
        <translation>
            <numerusform>Study %1 (%n series)</numerusform>
            <numerusform>Study %1 (%n series)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1
%2, %n frames (2D)</source>
        <translation>
            <numerusform>%1
%2, %n frame (2D)</numerusform>
            <numerusform>%1
%2, %n frames (2D)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1
%2, %n slices</source>
        <translation>
            <numerusform>%1
%2, %n slice</numerusform>
            <numerusform>%1
%2, %n slices</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::StudyLoader</name>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modality %2, %n image(s), %3 frame(s)&lt;br&gt;%4 x %5 pixels, %6&lt;br&gt;shown as 2D images: %7&lt;br&gt;%8 series in folder</source>
        <extracomment>The study panel&apos;s summary of a 2D series: %1 its description; %2 its modality; %n its images; %3 their frames; %4 x %5 the image&apos;s size; %6 its calibration; %7 why it is shown as 2D images; %8 the series found in the folder.</extracomment>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modality %2, %n image, %3 frame(s)&lt;br&gt;%4 x %5 pixels, %6&lt;br&gt;shown as 2D images: %7&lt;br&gt;%8 series in folder</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modality %2, %n images, %3 frame(s)&lt;br&gt;%4 x %5 pixels, %6&lt;br&gt;shown as 2D images: %7&lt;br&gt;%8 series in folder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modality %2, %n images&lt;br&gt;%3 x %4 x %5 voxels&lt;br&gt;spacing %6 x %7 x %8 mm&lt;br&gt;%9 series in folder</source>
        <extracomment>The study panel&apos;s summary of a CT series: %1 its description; %2 its modality; %n its images; %3 x %4 x %5 the volume&apos;s size; %6 x %7 x %8 its voxel spacing; %9 the series found in the folder.</extracomment>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modality %2, %n image&lt;br&gt;%3 x %4 x %5 voxels&lt;br&gt;spacing %6 x %7 x %8 mm&lt;br&gt;%9 series in folder</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Modality %2, %n images&lt;br&gt;%3 x %4 x %5 voxels&lt;br&gt;spacing %6 x %7 x %8 mm&lt;br&gt;%9 series in folder</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigie::app::WorklistPanel</name>
    <message numerus="yes">
        <source>%1 of %n cases</source>
        <extracomment>%1: the cases the filter shows, of %n.</extracomment>
        <translation>
            <numerusform>%1 of %n case</numerusform>
            <numerusform>%1 of %n cases</numerusform>
        </translation>
    </message>
</context>
</TS>

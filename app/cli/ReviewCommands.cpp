// vigie-cli review decide|list|export, and vigie-cli audit verify.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "../reading/DoubleReading.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "vigie/core/ReviewStore.h"

namespace vigie::app::cli {
namespace {

nlohmann::json toJson(const core::Decision& d) {
  nlohmann::json j = {{"id", d.id},
                      {"study_uid", d.studyUid},
                      {"finding_id", d.findingId},
                      {"decision", core::toString(d.kind)},
                      {"reader", d.reader},
                      {"recorded_at", d.recordedAt},
                      {"note", d.note}};
  if (d.centerMm) j["center_mm"] = cli::toJson(*d.centerMm);
  if (d.diameterMm) j["diameter_mm"] = *d.diameterMm;
  if (!d.category.empty()) j["category"] = d.category;
  if (d.previousDecisionId) j["previous_decision_id"] = *d.previousDecisionId;
  return j;
}

nlohmann::json toJson(const core::ModelRun& run) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : run.findings) {
    findings.push_back({{"id", f.id},
                        {"score", f.score},
                        {"center_mm", cli::toJson(f.centerMm)},
                        {"diameter_mm", f.diameterMm}});
  }
  return {{"id", run.id},
          {"study_uid", run.studyUid},
          {"series_uid", run.seriesUid},
          {"bundle_id", run.bundleId},
          {"bundle_version", run.bundleVersion},
          {"weights_sha256", run.weightsSha256},
          {"device", run.device},
          {"duration_s", run.durationSeconds},
          {"reader", run.reader},
          {"recorded_at", run.recordedAt},
          {"findings", findings}};
}

nlohmann::json toJson(const core::FundusGrade& g) {
  return {{"id", g.id},         {"image_uid", g.imageUid},    {"study_uid", g.studyUid},
          {"reader", g.reader}, {"grade", g.grade},           {"gradable", g.gradable},
          {"note", g.note},     {"recorded_at", g.recordedAt}};
}

nlohmann::json toJson(const core::FundusLesionMark& m) {
  nlohmann::json out = {{"id", m.id},
                        {"image_uid", m.imageUid},
                        {"reader", m.reader},
                        {"lesion", m.lesion},
                        {"x", m.x},
                        {"y", m.y},
                        {"radius", m.radius},
                        {"note", m.note},
                        {"recorded_at", m.recordedAt}};
  if (m.withdraws) out["withdraws"] = *m.withdraws;
  return out;
}

nlohmann::json toJson(const core::Measurement& m) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : m.pointsMm) points.push_back(cli::toJson(p));
  nlohmann::json out = {
      {"id", m.id},
      {"study_uid", m.studyUid},
      {"series_uid", m.seriesUid},
      {"reader", m.reader},
      {"kind", m.kind},
      {"points_mm", points},
      {"plane", m.plane ? nlohmann::json(core::toString(*m.plane)) : nlohmann::json()},
      {"value", m.value},
      {"unit", m.unit},
      {"note", m.note},
      {"recorded_at", m.recordedAt}};
  if (m.withdraws) out["withdraws"] = *m.withdraws;
  if (m.image) {
    // On a 2D image: which image and frame, and the points in its pixels.
    nlohmann::json pixels = nlohmann::json::array();
    for (const auto& p : m.pixelPoints) pixels.push_back({p.column, p.row});
    out["image"] = {{"sop_class_uid", m.image->sopClassUid},
                    {"sop_instance_uid", m.image->sopInstanceUid},
                    {"frame", m.image->frame}};
    out["points_px"] = pixels;
  }
  return out;
}

nlohmann::json toJson(const core::CaseRecord& c) {
  return {{"case_uid", c.caseUid},
          {"kind", core::toString(c.kind)},
          {"modality", c.modality},
          {"patient_name", c.patientName},
          {"patient_id", c.patientId},
          {"study_date", c.studyDate},
          {"source", c.source},
          {"registered_by", c.registeredBy},
          {"registered_at", c.registeredAt}};
}

nlohmann::json toJson(const core::FundusAiLesionRegion& region) {
  return {{"kind", region.kind},
          {"center_x", region.centerX},
          {"center_y", region.centerY},
          {"radius", region.radius},
          {"score", region.score}};
}

nlohmann::json toJson(const core::FundusAiResult& r) {
  nlohmann::json regions = nlohmann::json::array();
  for (const auto& region : r.lesionRegions) regions.push_back(toJson(region));
  return {{"id", r.id},
          {"image_uid", r.imageUid},
          {"bundle_id", r.bundleId},
          {"bundle_version", r.bundleVersion},
          {"weights_sha256", r.weightsSha256},
          {"device", r.device},
          {"duration_s", r.durationSeconds},
          {"grade", r.grade},
          {"referable_probability", r.referableProbability},
          {"referable", r.referable},
          {"gradable", r.gradable},
          {"quality_score", r.qualityScore},
          {"lesions", r.lesions},
          {"lesion_regions", regions},  // in the photograph's pixels
          {"reader", r.reader},
          {"recorded_at", r.recordedAt}};
}

nlohmann::json toJson(const core::CaseEvent& e) {
  return {{"id", e.id},       {"case_uid", e.caseUid}, {"kind", core::toString(e.kind)},
          {"value", e.value}, {"actor", e.actor},      {"recorded_at", e.recordedAt}};
}

/// Whether the double-reading policy hides an image's grades from a reader.
core::Result<bool> gradesHiddenFor(const core::ReviewStore& store, const std::string& image,
                                   const std::vector<core::FundusGrade>& grades,
                                   const std::string& reader) {
  auto settings = store.siteSettings();
  if (!settings.ok()) return settings.error();
  auto answers = store.fundusAiResults(image);
  if (!answers.ok()) return answers.error();
  const auto policy = policyFromSettings(settings.value());
  const auto status =
      gradingStatus(grades, answers.value().empty() ? nullptr : &answers.value().back(), policy);
  return gradesHiddenFrom(status, reader, policy);
}

/// Fills in what every verb that records a finding decision shares.
std::optional<std::string> readGeometry(CommandLine& cl, core::Decision& d) {
  if (auto center = cl.value("--center")) {
    core::Vec3 c;
    char tail = 0;
    if (std::sscanf(center->c_str(), "%lf,%lf,%lf%c", &c.x, &c.y, &c.z, &tail) != 3) {
      return "--center expects X,Y,Z in mm (LPS)";
    }
    d.centerMm = c;
  }
  if (cl.has("--diameter")) {
    const auto diameter = cl.number("--diameter", 0.0);
    if (!diameter || *diameter <= 0) return "--diameter expects a positive number of mm";
    d.diameterMm = *diameter;
  }
  return std::nullopt;
}

constexpr const char* kCommentUsage =
    "usage: vigie-cli review comment --study UID [--finding ID] --text TEXT --reader NAME\n"
    "                                [--store PATH]\n"
    "Records a trainer's comment on the case, or on one finding with --finding (append-only,\n"
    "audited); review case and teaching files show it.\n";

/// review's verbs that read a reference (DICOM SRs, labels CSVs, truth
/// files): in the imaging program; the store's program hands them on.
int runReferenceVerb(const std::vector<std::string>& args) {
#if VIGIE_CLI_TIER >= 1
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "stats") return runReviewStats(rest);
  if (args[0] == "case") return runReviewCase(rest);
  return runReviewImportSr(rest);
#else
  return kHandToImagingProgram;
#endif
}

}  // namespace

int runReviewComment(const std::vector<std::string>& args) {
  CommandLine cl(args, {"--store", "--study", "--finding", "--text", "--reader"}, {"--help"});
  if (auto exit = helpOrUsageError(cl, kCommentUsage)) return *exit;
  const auto study = cl.value("--study"), text = cl.value("--text"), reader = cl.value("--reader");
  if (!study || !text || !reader)
    return usage("comment needs --study, --text and --reader", kCommentUsage);
  core::CaseComment comment;
  comment.caseUid = *study;
  comment.text = *text;
  comment.author = *reader;
  if (cl.has("--finding")) {
    const auto finding = cl.integer("--finding", -1);
    if (!finding || *finding < 0) return usage("--finding needs a finding id", kCommentUsage);
    comment.findingId = static_cast<int>(*finding);
  }
  auto store = openStore(cl);
  if (!store.ok()) return fail(store.error().message);
  auto recorded = store.value()->recordComment(comment);
  return recorded.ok() ? 0 : fail(recorded.error().message);
}

int runReview(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli review decide --study UID --finding ID --decision "
      "confirm|reject|edit|annotate|add\n"
      "                               --reader NAME [--note TEXT] [--category TEXT]\n"
      "                               [--center X,Y,Z] [--diameter MM]\n"
      "       vigie-cli review add --study UID --center X,Y,Z --diameter MM --reader NAME "
      "[--note TEXT]\n"
      "       vigie-cli review grade --image UID --grade 0-4 --reader NAME [--ungradable]\n"
      "                              [--study UID] [--note TEXT]\n"
      "       vigie-cli review list --study UID [--json]\n"
      "       vigie-cli review grades --image UID [--reader NAME] [--json]\n"
      "       vigie-cli review export --json\n"
      "       vigie-cli review stats --reference PATH [--reader NAME] [--json] (see its --help)\n"
      "       vigie-cli review case --study UID [--reference PATH] [--json] (see its --help)\n"
      "       vigie-cli review comment --study UID [--finding ID] --text TEXT --reader NAME\n"
      "       vigie-cli review import-sr SR|DIR... --into DIR [--replace] (see its --help)\n"
      "  (all take --store PATH; default $XDG_DATA_HOME/vigie/review.sqlite)\n"
      "decide records one reader decision on a model finding (centre in LPS mm for edit);\n"
      "add records a finding the model missed (it gets the next id from 1001); grade records a\n"
      "reader's ICDR grade (0-4) of a fundus image. These print nothing: exit code 0 means the\n"
      "record is on disk. list and grades show the history (grades --reader: as that reader\n"
      "may see them, hidden while their blind second reading is due). export writes the\n"
      "whole store (model runs, decisions, fundus grades and lesion marks, measurements, the\n"
      "worklist's cases, fundus model results, case events, site settings and comments) as\n"
      "JSON, a backup.\n";
  if (!args.empty() && (args[0] == "stats" || args[0] == "case" || args[0] == "import-sr"))
    return runReferenceVerb(args);
  if (!args.empty() && args[0] == "comment")
    return runReviewComment(std::vector<std::string>(args.begin() + 1, args.end()));
  CommandLine cl(args,
                 {"--store", "--study", "--finding", "--decision", "--reader", "--note", "--center",
                  "--diameter", "--category", "--image", "--grade"},
                 {"--json", "--ungradable", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 1)
    return usage(
        "review needs decide, add, grade, list, grades, export, stats, case, comment or import-sr",
        kUsage);
  const std::string verb = cl.positional()[0];
  auto store = openStore(cl);
  if (!store.ok()) return fail(store.error().message);

  if (verb == "decide" || verb == "add") {
    core::Decision d;
    const auto study = cl.value("--study"), reader = cl.value("--reader");
    const auto kind = verb == "add" ? std::optional<std::string>("add") : cl.value("--decision");
    if (!study || !reader || !kind)
      return usage(verb == "add" ? "add needs --study, --center, --diameter and --reader"
                                 : "decide needs --study, --finding, --decision and --reader",
                   kUsage);
    const auto parsedKind = core::decisionKindFromString(*kind);
    if (!parsedKind) return usage("unknown decision '" + *kind + "'", kUsage);
    d.kind = *parsedKind;
    if (verb == "decide") {
      const auto finding = cl.integer("--finding", -1);
      if (!finding || *finding < 0)
        return usage("--finding needs a finding id (0 or more)", kUsage);
      d.findingId = static_cast<int>(*finding);
    }
    d.studyUid = *study;
    d.reader = *reader;
    d.note = cl.value("--note").value_or("");
    d.category = cl.value("--category").value_or("");
    if (auto problem = readGeometry(cl, d)) return usage(*problem, kUsage);
    if (d.kind == core::DecisionKind::Add && (!d.centerMm || !d.diameterMm))
      return usage("an added finding needs --center and --diameter", kUsage);
    if (d.kind == core::DecisionKind::Edit && !d.centerMm && !d.diameterMm)
      return usage("an edit needs --center and/or --diameter", kUsage);
    auto id = store.value()->recordDecision(d);
    return id.ok() ? 0 : fail(id.error().message);
  }
  if (verb == "grade") {
    const auto image = cl.value("--image"), reader = cl.value("--reader");
    const auto grade = cl.integer("--grade", -1);
    if (!image || !reader || !grade || *grade < 0 || *grade > 4)
      return usage("grade needs --image, --reader and --grade 0 to 4 (ICDR)", kUsage);
    core::FundusGrade g;
    g.imageUid = *image;
    g.studyUid = cl.value("--study").value_or("");
    g.reader = *reader;
    g.grade = static_cast<int>(*grade);
    g.gradable = !cl.has("--ungradable");
    g.note = cl.value("--note").value_or("");
    auto id = store.value()->recordFundusGrade(g);
    return id.ok() ? 0 : fail(id.error().message);
  }
  if (verb == "list") {
    const auto study = cl.value("--study");
    if (!study) return usage("list needs --study UID", kUsage);
    auto decisions = store.value()->decisions(*study);
    if (!decisions.ok()) return fail(decisions.error().message);
    if (cl.has("--json")) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& d : decisions.value()) out.push_back(toJson(d));
      std::cout << out.dump(2) << '\n';
      return 0;
    }
    for (const auto& d : decisions.value()) {
      std::printf("%s  finding %d  %s by %s%s%s\n", d.recordedAt.c_str(), d.findingId,
                  core::toString(d.kind), d.reader.c_str(), d.note.empty() ? "" : ": ",
                  d.note.c_str());
    }
    return 0;
  }
  if (verb == "grades") {
    const auto image = cl.value("--image");
    if (!image) return usage("grades needs --image UID", kUsage);
    auto grades = store.value()->fundusGrades(*image);
    if (!grades.ok()) return fail(grades.error().message);
    if (auto reader = cl.value("--reader")) {
      // As that reader may see them: blind while their second reading is due.
      auto hidden = gradesHiddenFor(*store.value(), *image, grades.value(), *reader);
      if (!hidden.ok()) return fail(hidden.error().message);
      if (hidden.value()) {
        std::cerr << "vigie-cli: second reading: " << grades.value().size()
                  << " grade(s) hidden until " << *reader << " grades this photograph\n";
        grades.value().clear();
      }
    }
    if (cl.has("--json")) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& g : grades.value()) out.push_back(toJson(g));
      std::cout << out.dump(2) << '\n';
      return 0;
    }
    for (const auto& g : grades.value()) {
      std::printf("%s  grade %d%s by %s%s%s\n", g.recordedAt.c_str(), g.grade,
                  g.gradable ? "" : " (ungradable)", g.reader.c_str(), g.note.empty() ? "" : ": ",
                  g.note.c_str());
    }
    return 0;
  }
  if (verb == "export") {
    auto decisions = store.value()->allDecisions();
    auto runs = store.value()->allModelRuns();
    auto grades = store.value()->allFundusGrades();
    auto measurements = store.value()->allMeasurements();
    auto marks = store.value()->allFundusLesionMarks();
    auto cases = store.value()->cases();
    auto fundusResults = store.value()->allFundusAiResults();
    auto events = store.value()->allCaseEvents();
    if (!cases.ok()) return fail(cases.error().message);
    if (!fundusResults.ok()) return fail(fundusResults.error().message);
    if (!events.ok()) return fail(events.error().message);
    if (!decisions.ok()) return fail(decisions.error().message);
    if (!marks.ok()) return fail(marks.error().message);
    if (!runs.ok()) return fail(runs.error().message);
    if (!grades.ok()) return fail(grades.error().message);
    if (!measurements.ok()) return fail(measurements.error().message);
    nlohmann::json out = {{"schema_version", store.value()->schemaVersion()},
                          {"model_runs", nlohmann::json::array()},
                          {"decisions", nlohmann::json::array()},
                          {"fundus_grades", nlohmann::json::array()},
                          {"fundus_lesion_marks", nlohmann::json::array()},
                          {"measurements", nlohmann::json::array()}};
    for (const auto& r : runs.value()) out["model_runs"].push_back(toJson(r));
    for (const auto& d : decisions.value()) out["decisions"].push_back(toJson(d));
    for (const auto& g : grades.value()) out["fundus_grades"].push_back(toJson(g));
    for (const auto& m : measurements.value()) out["measurements"].push_back(toJson(m));
    for (const auto& m : marks.value()) out["fundus_lesion_marks"].push_back(toJson(m));
    out["cases"] = nlohmann::json::array();
    for (const auto& c : cases.value()) out["cases"].push_back(toJson(c));
    out["fundus_ai_results"] = nlohmann::json::array();
    for (const auto& r : fundusResults.value()) out["fundus_ai_results"].push_back(toJson(r));
    auto settings = store.value()->siteSettings();
    if (!settings.ok()) return fail(settings.error().message);
    out["site_settings"] = settings.value();
    auto comments = store.value()->allComments();
    if (!comments.ok()) return fail(comments.error().message);
    out["comments"] = nlohmann::json::array();
    for (const auto& c : comments.value()) out["comments"].push_back(toJson(c));
    out["case_events"] = nlohmann::json::array();
    for (const auto& e : events.value()) out["case_events"].push_back(toJson(e));
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  return usage("unknown review verb '" + verb + "'", kUsage);
}

int runAudit(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli audit verify [--store PATH]\n"
      "Checks the review store's hash-chained audit log: exit code 0 when every entry follows "
      "from\n"
      "the one before it, 1 (naming the first entry that does not) otherwise.\n";
  CommandLine cl(args, {"--store"}, {"--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 1 || cl.positional()[0] != "verify")
    return usage("audit needs 'verify'", kUsage);
  auto store = openStore(cl);
  if (!store.ok()) return fail(store.error().message);
  auto check = store.value()->verifyAuditChain();
  if (!check.ok()) return fail(check.error().message);
  if (!check.value().intact) return fail("audit log broken: " + check.value().problem);
  std::printf("audit log intact: %zu entries\n", check.value().entries);
  return 0;
}

}  // namespace vigie::app::cli

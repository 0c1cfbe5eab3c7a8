#include "TeachingPage.h"

#include "TextFormat.h"

namespace vigie::app {
namespace {

const char* icdrName(int grade) {
  static const char* const names[] = {"no apparent retinopathy", "mild non-proliferative DR",
                                      "moderate non-proliferative DR",
                                      "severe non-proliferative DR", "proliferative DR"};
  return grade >= 0 && grade <= 4 ? names[grade] : "unknown grade";
}

std::string gradeText(int grade, bool gradable) {
  if (!gradable) return "ungradable";
  return std::to_string(grade) + " (" + icdrName(grade) + ")";
}

/// The page's look, for browsers and for Qt's rich text (which reads a
/// subset of CSS: what is here renders in both).
constexpr const char* kStyle =
    "body { font-family: 'DejaVu Sans', sans-serif; font-size: 10pt; color: #111; "
    "max-width: 60em; margin: 1.5em auto; }\n"
    "h1 { font-size: 16pt; margin-bottom: 0.2em; }\n"
    "h2 { font-size: 12pt; border-bottom: 1px solid #888; margin-top: 1.2em; }\n"
    "p.meta { color: #555; font-size: 9pt; }\n"
    "table { border-collapse: collapse; margin: 0.5em 0; }\n"
    "th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }\n"
    "th { background: #e8e8e8; }\n"
    "td.disputed { color: #a00000; font-weight: bold; }\n"
    "table.figures td { border: none; width: 50%; padding: 0 8px 8px 0; }\n"
    "p.caption { font-size: 9pt; color: #333; margin-top: 0.2em; }\n";

class HtmlWriter {
 public:
  void raw(const std::string& html) { out_ += html; }
  void text(const std::string& text) { out_ += escapeHtml(text); }
  void element(const std::string& tag, const std::string& text, const std::string& cls = {}) {
    out_ += "<" + tag + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" + escapeHtml(text) +
            "</" + tag + ">\n";
  }
  void row(const std::vector<std::string>& cells, const char* tag = "td",
           const std::vector<std::string>& classes = {}) {
    out_ += "<tr>";
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string cls = i < classes.size() ? classes[i] : "";
      out_ += std::string("<") + tag + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" +
              escapeHtml(cells[i]) + "</" + tag + ">";
    }
    out_ += "</tr>\n";
  }
  /// Paragraphs from text with blank lines between them.
  void paragraphs(const std::string& text) {
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find("\n\n", start);
      if (end == std::string::npos) end = text.size();
      element("p", text.substr(start, end - start));
      start = end + 2;
    }
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

void writeCtFindings(HtmlWriter& html, const CaseReview& r) {
  if (r.findings.empty()) {
    html.element("p", "The model found nothing and no reader added a finding.");
  } else {
    html.raw("<table>\n");
    std::vector<std::string> head = {"#", "Source", "Size", "Position (mm, LPS)"};
    for (const auto& reader : r.readers) head.push_back(reader);
    if (r.hasReference) head.push_back("Reference");
    html.row(head, "th");
    for (const auto& f : r.findings) {
      std::vector<std::string> cells = {
          std::to_string(f.findingId),
          f.fromAi ? "AI, score " + formatFixed(f.score, 2) : "added by " + f.addedBy,
          formatFixed(f.diameterMm, 1) + " mm", formatPointMm(f.centerMm)};
      std::vector<std::string> classes(cells.size());
      for (const auto& call : f.calls) {
        cells.push_back(describeCall(call));
        classes.push_back(f.disputed ? "disputed" : "");
      }
      if (r.hasReference)
        cells.push_back(f.lesion > 0 ? "nodule " + std::to_string(f.lesion) : "no nodule");
      html.row(cells, "td", classes);
    }
    html.raw("</table>\n");
    std::size_t disputed = 0;
    for (const auto& f : r.findings) disputed += f.disputed ? 1 : 0;
    if (disputed > 0)
      html.element("p", std::to_string(disputed) +
                            " finding(s) disputed (in red): the readers' calls differ, or a call "
                            "goes against the reference.");
  }
  if (!r.lesions.empty()) {
    html.raw("<table>\n");
    html.row({"Reference nodule", "Size", "Type", "AI", "Found by", "Missed by"}, "th");
    for (const auto& l : r.lesions) {
      std::string found, missed;
      for (const auto& who : l.foundBy) found += (found.empty() ? "" : ", ") + who;
      for (const auto& who : l.missedBy) missed += (missed.empty() ? "" : ", ") + who;
      html.row({std::to_string(l.lesion), formatFixed(l.nodule.diameterMm, 1) + " mm",
                l.nodule.type, l.foundByAi ? "found" : "missed", found.empty() ? "-" : found,
                missed.empty() ? "-" : missed},
               "td",
               {"", "", "", l.foundByAi ? "" : "disputed", "", missed.empty() ? "" : "disputed"});
    }
    html.raw("</table>\n");
  }
}

void writeFundusFindings(HtmlWriter& html, const CaseReview& r) {
  if (r.fundusAi) {
    html.element("p", "Model: grade " + gradeText(r.fundusAi->grade, r.fundusAi->gradable) +
                          "; referable-DR probability " +
                          formatFixed(r.fundusAi->referableProbability, 2) +
                          (r.fundusAi->referable ? " (refer)" : " (do not refer)") + ".");
  } else {
    html.element("p", "The model has not assessed this photograph.");
  }
  if (r.grades.empty()) {
    html.element("p", "No reader has graded it.");
    return;
  }
  html.raw("<table>\n");
  html.row({"Reader", "Grade", "Note"}, "th");
  for (const auto& g : r.grades) html.row({g.reader, gradeText(g.grade, g.gradable), g.note});
  html.raw("</table>\n");
  if (r.grading)
    html.element("p", std::string("Double reading: ") + toString(r.grading->stage) +
                          (r.grading->finalGrade
                               ? ", final grade " +
                                     gradeText(*r.grading->finalGrade, r.grading->finalGradable)
                               : std::string()) +
                          ".");
}

void writeDiagnosis(HtmlWriter& html, const TeachingPage& page) {
  const CaseReview& r = page.review;
  bool said = false;
  if (r.record.kind == core::CaseKind::Ct && r.hasReference) {
    std::string text = r.lesions.empty()
                           ? "The reference marks no nodule."
                           : "The reference marks " + std::to_string(r.lesions.size()) +
                                 (r.lesions.size() == 1 ? " nodule: " : " nodules: ");
    for (std::size_t i = 0; i < r.lesions.size(); ++i) {
      const auto& n = r.lesions[i].nodule;
      text += (i == 0 ? "" : "; ") + std::string("nodule ") + std::to_string(r.lesions[i].lesion) +
              ", " + formatFixed(n.diameterMm, 1) + " mm" + (n.type.empty() ? "" : ", " + n.type);
    }
    if (!r.lesions.empty()) text += ".";
    html.element("p", text);
    said = true;
  }
  if (r.referenceGrade) {
    html.element("p",
                 "Reference grade: " +
                     (r.referenceGrade->gradeKnown
                          ? gradeText(r.referenceGrade->grade, r.referenceGrade->gradable)
                          : std::string(r.referenceGrade->gradable ? "gradable" : "ungradable")) +
                     ".");
    said = true;
  }
  if (!page.diagnosis.empty()) {
    html.paragraphs(page.diagnosis);
    said = true;
  }
  if (!said) html.element("p", "No reference and no diagnosis were recorded for this case.");
}

void writeDiscussion(HtmlWriter& html, const CaseReview& r) {
  bool any = false;
  for (const auto& c : r.comments) {
    html.element("p", c.author + ": " + c.text);
    any = true;
  }
  for (const auto& f : r.findings) {
    for (const auto& c : f.comments) {
      html.element("p",
                   "On finding " + std::to_string(f.findingId) + ", " + c.author + ": " + c.text);
      any = true;
    }
  }
  if (!any) html.element("p", "No comment was recorded.");
}

}  // namespace

std::string describeCall(const ReaderCall& call) {
  if (call.call.empty()) return "-";
  std::string text = call.call;
  if (call.call == "edit" && call.centerMm)
    text += " (moved to " + formatFixed(call.centerMm->x, 1) + ", " +
            formatFixed(call.centerMm->y, 1) + ", " + formatFixed(call.centerMm->z, 1) + ")";
  if (!call.note.empty()) text += ": " + call.note;
  return text;
}

std::string escapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string teachingHtml(const TeachingPage& page) {
  const CaseReview& r = page.review;
  HtmlWriter html;
  html.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  html.text("Teaching file: " + page.title);
  html.raw("</title>\n<style>\n");
  html.raw(kStyle);
  html.raw("</style>\n</head>\n<body>\n");
  html.element("h1", "Teaching file: " + page.title + (page.unknown ? " (unknown case)" : ""));
  html.element("p", "Case " + r.record.caseUid + ". " + page.producedBy, "meta");

  html.element("h2", "History");
  html.paragraphs(page.history.empty() ? "No history was given." : page.history);

  html.element("h2", "Images");
  if (page.images.empty()) html.element("p", "No key image.");
  // Two to a row: a page of a printed teaching file holds four to six.
  if (!page.images.empty()) html.raw("<table class=\"figures\">\n");
  for (std::size_t i = 0; i < page.images.size(); ++i) {
    const auto& image = page.images[i];
    if (i % 2 == 0) html.raw("<tr>");
    html.raw("<td><img src=\"" + escapeHtml(image.file) + "\" alt=\"" + escapeHtml(image.caption) +
             "\" width=\"290\">\n");
    html.element("p", image.caption, "caption");
    html.raw("</td>");
    if (i % 2 == 1 || i + 1 == page.images.size()) html.raw("</tr>\n");
  }
  if (!page.images.empty()) html.raw("</table>\n");

  if (page.unknown) {
    html.element("h2", "Findings, diagnosis and discussion");
    html.element("p",
                 "Withheld: this is an unknown case. Read it, then ask the trainer for the "
                 "case with its answers.");
  } else {
    html.element("h2", "Findings");
    if (r.record.kind == core::CaseKind::Ct)
      writeCtFindings(html, r);
    else
      writeFundusFindings(html, r);
    html.element("h2", "Diagnosis");
    writeDiagnosis(html, page);
    html.element("h2", "Discussion");
    writeDiscussion(html, r);
  }
  html.raw("</body>\n</html>\n");
  return html.take();
}

}  // namespace vigie::app

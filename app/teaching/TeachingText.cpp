#include "TeachingText.h"

#include <algorithm>
#include <cctype>

namespace vigie::app {
namespace {

std::string lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool isWordCharacter(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

/// Where `phrase` (lowered) next occurs in `haystack` (lowered) from `from` as
/// a whole word; npos when it does not.
std::size_t findWhole(const std::string& haystack, const std::string& phrase, std::size_t from) {
  for (auto at = haystack.find(phrase, from); at != std::string::npos;
       at = haystack.find(phrase, at + 1)) {
    const bool startsWord =
        at == 0 || !isWordCharacter(haystack[at - 1]) || !isWordCharacter(phrase.front());
    const auto end = at + phrase.size();
    const bool endsWord = end == haystack.size() || !isWordCharacter(haystack[end]) ||
                          !isWordCharacter(phrase.back());
    if (startsWord && endsWord) return at;
  }
  return std::string::npos;
}

/// `text` with each whole-word occurrence of `from` (any case) replaced by `to`.
std::string replaceWhole(const std::string& text, const std::string& from, const std::string& to) {
  const std::string phrase = lowered(from);
  std::string out, lower = lowered(text);
  std::size_t done = 0;
  for (auto at = findWhole(lower, phrase, 0); at != std::string::npos;
       at = findWhole(lower, phrase, at + phrase.size())) {
    out += text.substr(done, at - done) + to;
    done = at + phrase.size();
  }
  return out + text.substr(done);
}

std::string letter(std::size_t index) {
  std::string name;
  for (++index; index > 0; index = (index - 1) / 26)
    name.insert(name.begin(), static_cast<char>('A' + (index - 1) % 26));
  return name;
}

}  // namespace

void IdentifyingText::addPhrase(const std::string& phrase) {
  if (phrase.size() < 2) return;
  if (std::find(phrases_.begin(), phrases_.end(), phrase) == phrases_.end())
    phrases_.push_back(phrase);
}

void IdentifyingText::add(const std::string& identifier) {
  addPhrase(identifier);
  if (identifier.size() >= 4 &&
      std::find(identifiers_.begin(), identifiers_.end(), identifier) == identifiers_.end())
    identifiers_.push_back(identifier);
}

void IdentifyingText::addPatient(const std::string& dicomName, const std::string& patientId) {
  // The whole name first, so that free text loses it whole.
  add(dicomName);
  std::string part;
  for (char c : dicomName + "^") {
    if (c == '^' || c == ' ' || c == '=') {
      addPhrase(part);
      part.clear();
    } else {
      part += c;
    }
  }
  add(patientId);
}

void IdentifyingText::addDate(const std::string& dicomDate) {
  if (dicomDate.size() != 8) return;
  const auto year = dicomDate.substr(0, 4), month = dicomDate.substr(4, 2),
             day = dicomDate.substr(6, 2);
  add(dicomDate);
  add(year + "-" + month + "-" + day);
  add(day + "/" + month + "/" + year);
  add(day + "." + month + "." + year);
}

std::string scrubText(const std::string& text, const IdentifyingText& identifying) {
  std::string out = text;
  for (const auto& phrase : identifying.phrases()) out = replaceWhole(out, phrase, "[removed]");
  return out;
}

std::string firstIdentifier(const std::string& text, const IdentifyingText& identifying) {
  const std::string lower = lowered(text);
  for (const auto& identifier : identifying.identifiers())
    if (findWhole(lower, lowered(identifier), 0) != std::string::npos) return identifier;
  return {};
}

Pseudonyms::Pseudonyms(const CaseReview& review) {
  for (std::size_t i = 0; i < review.readers.size(); ++i)
    names_.emplace(review.readers[i], "Reader " + letter(i));
  std::size_t trainers = 0;
  auto addCommenters = [&](const std::vector<core::CaseComment>& comments) {
    for (const auto& c : comments)
      if (names_.emplace(c.author, "Trainer " + letter(trainers)).second) ++trainers;
  };
  addCommenters(review.comments);
  for (const auto& f : review.findings) addCommenters(f.comments);
}

std::string Pseudonyms::of(const std::string& name) const {
  auto found = names_.find(name);
  return found == names_.end() ? name : found->second;
}

std::string Pseudonyms::inText(const std::string& text) const {
  std::string out = text;
  for (const auto& [name, pseudonym] : names_)
    if (name.size() >= 2) out = replaceWhole(out, name, pseudonym);
  return out;
}

CaseReview teachingView(const CaseReview& review, const IdentifyingText& identifying,
                        const std::string& caseLabel) {
  const Pseudonyms people(review);
  auto clean = [&](const std::string& text) { return people.inText(scrubText(text, identifying)); };
  auto cleanComments = [&](std::vector<core::CaseComment>& comments) {
    for (auto& c : comments) {
      c.caseUid = caseLabel;
      c.author = people.of(c.author);
      c.text = clean(c.text);
      c.recordedAt.clear();
    }
  };
  CaseReview view = review;
  view.record = {};
  view.record.caseUid = caseLabel;
  view.record.kind = review.record.kind;
  view.record.modality = review.record.modality;
  for (auto& name : view.readers) name = people.of(name);
  for (auto& f : view.findings) {
    f.addedBy = people.of(f.addedBy);
    for (auto& call : f.calls) {
      call.reader = people.of(call.reader);
      call.note = clean(call.note);
    }
    cleanComments(f.comments);
  }
  for (auto& l : view.lesions) {
    for (auto& name : l.foundBy) name = people.of(name);
    for (auto& name : l.missedBy) name = people.of(name);
  }
  if (view.fundusAi) {
    view.fundusAi->imageUid = caseLabel;
    view.fundusAi->reader = people.of(view.fundusAi->reader);
    view.fundusAi->recordedAt.clear();
  }
  for (auto& g : view.grades) {
    g.imageUid = caseLabel;
    g.studyUid.clear();
    g.reader = people.of(g.reader);
    g.note = clean(g.note);
    g.recordedAt.clear();
  }
  if (view.grading) {
    for (auto* name :
         {&view.grading->primaryReader, &view.grading->secondaryReader, &view.grading->arbiter})
      *name = people.of(*name);
  }
  if (view.referenceGrade) view.referenceGrade->name.clear();
  cleanComments(view.comments);
  return view;
}

}  // namespace vigie::app

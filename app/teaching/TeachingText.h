#pragma once

#include <map>
#include <string>
#include <vector>

#include "CaseReview.h"

namespace vigie::app {

/// What must not survive into a teaching file's words: the patient's name
/// (whole and each part), the patient's ID, the original UIDs and, unless
/// the dates are kept, the study date in the ways people write dates.
/// Free text loses every one of them. The identifiers proper (all but the
/// name's parts, which may be ordinary words such as "White" or "Chest")
/// must not appear anywhere at all: firstIdentifier checks that.
class IdentifyingText {
 public:
  /// A DICOM person name (parts split at ^ and spaces) and an ID.
  void addPatient(const std::string& dicomName, const std::string& patientId);
  /// A DICOM date (YYYYMMDD), also as YYYY-MM-DD, DD/MM/YYYY and DD.MM.YYYY.
  void addDate(const std::string& dicomDate);
  /// Any other identifier (a UID, a path); one under two characters is
  /// ignored (it would match inside ordinary words).
  void add(const std::string& identifier);

  /// Everything free text must lose.
  const std::vector<std::string>& phrases() const { return phrases_; }
  /// What may appear nowhere (four characters or more: shorter ones occur
  /// by chance).
  const std::vector<std::string>& identifiers() const { return identifiers_; }

 private:
  void addPhrase(const std::string& phrase);
  std::vector<std::string> phrases_, identifiers_;
};

/// `text` with every whole-word occurrence of an identifying phrase (any
/// case) replaced by "[removed]".
std::string scrubText(const std::string& text, const IdentifyingText& identifying);

/// The first identifier `text` holds (whole words, any case); empty when it
/// holds none. The last check of what a teaching file says.
std::string firstIdentifier(const std::string& text, const IdentifyingText& identifying);

/// Staff names replaced by roles: the readers of a case "Reader A",
/// "Reader B" ... in the order they first read it; whoever only commented,
/// "Trainer A" ... A teaching file teaches the case, not who got it wrong.
class Pseudonyms {
 public:
  explicit Pseudonyms(const CaseReview& review);
  /// The pseudonym of a name; the name itself when the case does not know it.
  std::string of(const std::string& name) const;
  /// `text` with every known name (whole words) replaced by its pseudonym.
  std::string inText(const std::string& text) const;

 private:
  std::map<std::string, std::string> names_;
};

/// The case as a teaching file shows it: readers and commenters under
/// their pseudonyms, free text (notes, comments) scrubbed, the record's
/// patient attributes, dates, source and registration cleared, the case
/// known by `caseLabel` only.
CaseReview teachingView(const CaseReview& review, const IdentifyingText& identifying,
                        const std::string& caseLabel);

}  // namespace vigie::app

#pragma once

// What Vigie's structured reports share: a depth-first builder for the
// content tree, the local coding scheme, and the TID 1500 frame every report
// starts from (patient and study of the source, evidence, observers).

#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/imaging/dicom/MeasurementReportWriter.h"
#include "vigie/imaging/dicom/SourceSeries.h"

namespace vigie::imaging::internal {

// Codes the standard's tables lack for what a reader does with an AI result:
// a private coding scheme (PS3.16 section 8.2: designators beginning "99"),
// declared in the Coding Scheme Identification Sequence of every report.
constexpr const char* kLocalScheme = "99VIGIE";
inline DSRCodedEntryValue localCode(const char* value, const char* meaning) {
  return DSRCodedEntryValue(value, kLocalScheme, meaning);
}

constexpr auto kContains = DSRTypes::RT_contains;
constexpr auto kConceptMod = DSRTypes::RT_hasConceptMod;
constexpr auto kObsContext = DSRTypes::RT_hasObsContext;

/// A number as an SR NUM value (DS: at most 16 characters).
std::string srNumber(double value);

/// A reader's name as a DICOM person name (PN): the whole name in the family
/// name component. The '^' after it marks the value as a component-form PN
/// (a bare single word reads as the retired ACR-NEMA form); '\\' and '='
/// would split it into several values or representations, so they go.
inline std::string personName(std::string name) {
  for (char& c : name) {
    if (c == '\\' || c == '=' || c == '^') c = ' ';
  }
  return (name.empty() ? "unknown" : name) + "^";
}

/// Builds the content tree depth-first. Every add goes below the current
/// node; `leaf` returns the cursor to the parent, `open`/`close` bracket a
/// container. The first DCMTK failure is kept and stops all further work.
class TreeBuilder {
 public:
  explicit TreeBuilder(DSRDocumentTree& tree) : tree_(tree) {}

  void open(DSRTypes::E_RelationshipType relation, const DSRCodedEntryValue& concept) {
    add(relation, DSRTypes::VT_Container, concept);
  }
  void close() {
    if (ok()) tree_.goUp();
  }
  void leaf(DSRTypes::E_RelationshipType relation, DSRTypes::E_ValueType type,
            const DSRCodedEntryValue& concept,
            const std::function<OFCondition(DSRContentItem&)>& setValue) {
    if (!add(relation, type, concept)) return;
    remember(setValue(tree_.getCurrentContentItem()), concept);
    tree_.goUp();
  }
  void text(DSRTypes::E_RelationshipType r, const DSRCodedEntryValue& c, const std::string& v) {
    leaf(r, DSRTypes::VT_Text, c, [&](DSRContentItem& i) { return i.setStringValue(v.c_str()); });
  }
  void uid(DSRTypes::E_RelationshipType r, const DSRCodedEntryValue& c, const std::string& v) {
    leaf(r, DSRTypes::VT_UIDRef, c, [&](DSRContentItem& i) { return i.setStringValue(v.c_str()); });
  }
  void code(DSRTypes::E_RelationshipType r, const DSRCodedEntryValue& c,
            const DSRCodedEntryValue& v) {
    leaf(r, DSRTypes::VT_Code, c, [&](DSRContentItem& i) { return i.setCodeValue(v); });
  }
  void num(DSRTypes::E_RelationshipType r, const DSRCodedEntryValue& c, double v,
           const DSRCodedEntryValue& unit) {
    leaf(r, DSRTypes::VT_Num, c, [&](DSRContentItem& i) {
      return i.setNumericValue(DSRNumericMeasurementValue(srNumber(v).c_str(), unit));
    });
  }

  /// Like leaf, then the children `children` adds below the new item.
  void leafWith(DSRTypes::E_RelationshipType relation, DSRTypes::E_ValueType type,
                const DSRCodedEntryValue& concept,
                const std::function<OFCondition(DSRContentItem&)>& setValue,
                const std::function<void()>& children) {
    if (!add(relation, type, concept)) return;
    remember(setValue(tree_.getCurrentContentItem()), concept);
    if (ok()) children();
    if (ok()) tree_.goUp();
  }

  /// Like num, then the children `modifiers` adds below the NUM item.
  void numWith(DSRTypes::E_RelationshipType r, const DSRCodedEntryValue& c, double v,
               const DSRCodedEntryValue& unit, const std::function<void()>& modifiers) {
    leafWith(
        r, DSRTypes::VT_Num, c,
        [&](DSRContentItem& i) {
          return i.setNumericValue(DSRNumericMeasurementValue(srNumber(v).c_str(), unit));
        },
        modifiers);
  }

  /// Opens a measurement group for reader measurement `id` of a study: the
  /// reader as person observer (when named) and the tracking identifiers
  /// ("Vigie measurement N", and a UID derived from the study and N, the same
  /// in every export). Close it with close().
  void openMeasurementGroup(const std::string& reader, const std::string& studyUid,
                            std::int64_t id);

  /// Observer Type = Person and Person Observer Name, as observation context.
  void personObserver(const std::string& reader) {
    code(DSRTypes::RT_hasObsContext, CODE_DCM_ObserverType, CODE_DCM_Person);
    leaf(DSRTypes::RT_hasObsContext, DSRTypes::VT_PName, CODE_DCM_PersonObserverName,
         [&](DSRContentItem& i) { return i.setStringValue(personName(reader).c_str()); });
  }

  bool ok() const { return status_.ok(); }
  const core::Status& status() const { return status_; }
  void remember(const OFCondition& condition, const DSRCodedEntryValue& concept) {
    if (condition.bad() && status_.ok()) {
      status_ = core::makeError(core::ErrorCode::Internal,
                                "cannot add '" + std::string(concept.getCodeMeaning().c_str()) +
                                    "': " + condition.text());
    }
  }

 private:
  bool add(DSRTypes::E_RelationshipType relation, DSRTypes::E_ValueType type,
           const DSRCodedEntryValue& concept) {
    if (!ok()) return false;
    remember(tree_.addChildContentItem(relation, type, concept), concept);
    return ok();
  }

  DSRDocumentTree& tree_;
  core::Status status_;
};

/// A Comprehensive 3D SR document following TID 1500 (Imaging Measurement
/// Report), with everything up to the Imaging Measurements container: the
/// patient and study of the source (so the report files into the same
/// study), the source images as evidence and image library, the language, the
/// person observer, the model as device observer and the procedure reported.
/// The caller adds measurement groups between openMeasurements() and save().
class Tid1500Document {
 public:
  Tid1500Document();

  core::Status begin(const SourceSeries& source, const std::string& seriesDescription,
                     const ProducerIdentity& producer, const std::string& exportingReader,
                     const DSRCodedEntryValue& procedure, const std::string& where);
  /// Lists another object (e.g. a SEG written beside the report) as evidence.
  core::Status addOtherEvidence(const std::string& studyUid, const std::string& seriesUid,
                                const char* sopClassUid, const std::string& sopInstanceUid);
  /// Opens the Imaging Measurements container; groups go below it.
  void openMeasurements();
  TreeBuilder& builder() { return builder_; }
  /// Closes the containers, completes and writes the document; returns its
  /// SOP Instance UID.
  core::Result<std::string> save(const std::filesystem::path& file);

 private:
  DSRDocument doc_;
  TreeBuilder builder_;
  std::string where_;
};

}  // namespace vigie::imaging::internal

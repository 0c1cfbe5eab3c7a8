#pragma once

#include <string>
#include <vector>

#include "CaseReview.h"

namespace vigie::app {

/// An image of a teaching file, as the page shows it.
struct KeyImage {
  std::string file;  ///< relative to the teaching file's folder ("images/finding-1.png")
  std::string caption;
};

/// What a teaching file's summary says, in MIRC's sections: history,
/// images, findings, diagnosis, discussion.
struct TeachingPage {
  std::string title;       ///< "Chest CT", "Colour fundus photograph"
  std::string history;     ///< the trainer's, or what the images say of the acquisition
  std::string diagnosis;   ///< the trainer's, added to what the reference says
  std::string producedBy;  ///< software and model, with "not for clinical use"
  CaseReview review;       ///< already a teachingView (no names, no identifiers)
  std::vector<KeyImage> images;
  /// A quiz: the findings, the diagnosis and the discussion are left out.
  bool unknown = false;
};

/// The summary as one self-contained HTML document (images by relative
/// path); every text from the case is escaped.
std::string teachingHtml(const TeachingPage& page);

/// A reader's call as a line of text: "confirm", "edit (moved to x, y, z)",
/// "-" for none, with the reader's note.
std::string describeCall(const ReaderCall& call);

/// `text` safe inside HTML (&, <, >, ").
std::string escapeHtml(const std::string& text);

}  // namespace vigie::app

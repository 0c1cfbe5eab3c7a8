#pragma once

#include <QString>
#include <QStringList>

namespace vigie::app {

/// The studies and photograph folders a reader opened lately, newest first,
/// kept in the user's settings (File > Open recent).
class RecentStudies {
 public:
  static constexpr int kKept = 8;

  static QStringList paths();
  /// Puts `path` first (once), dropping the oldest beyond kKept.
  static void remember(const QString& path);
};

/// Whether `path` holds fundus photographs rather than a DICOM study: a
/// JPEG, PNG or TIFF file, or a folder of such pictures with no `.dcm` file
/// (DICOM beside pictures makes it a study).
bool holdsPhotographs(const QString& path);

}  // namespace vigie::app

#include "RecentStudies.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace vigie::app {
namespace {

constexpr const char* kSettingsKey = "recent";

const QStringList& pictureFilters() {
  static const QStringList filters{"*.png", "*.jpg", "*.jpeg", "*.tif", "*.tiff"};
  return filters;
}

}  // namespace

QStringList RecentStudies::paths() { return QSettings().value(kSettingsKey).toStringList(); }

void RecentStudies::remember(const QString& path) {
  QStringList recent = paths();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kKept) recent.removeLast();
  QSettings().setValue(kSettingsKey, recent);
}

bool holdsPhotographs(const QString& path) {
  const QFileInfo info(path);
  if (info.isFile()) return QDir::match(pictureFilters(), info.fileName().toLower());
  if (!info.isDir()) return false;
  const QDir dir(path);
  return !dir.entryList(pictureFilters(), QDir::Files).isEmpty() &&
         dir.entryList({"*.dcm"}, QDir::Files).isEmpty();
}

}  // namespace vigie::app

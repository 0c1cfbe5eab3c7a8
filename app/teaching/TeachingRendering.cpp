#include "TeachingRendering.h"

#include <QGuiApplication>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QTextDocument>
#include <QUrl>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <system_error>

#include "TextFormat.h"
#include "vigie/core/SliceImage.h"

namespace vigie::app {

namespace {

QtMessageHandler previousHandler = nullptr;

/// Qt's complaint that a command-line session has no XDG_RUNTIME_DIR is
/// noise to a user exporting a file; everything else goes through.
void quietHandler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (message.startsWith(QStringLiteral("QStandardPaths: XDG_RUNTIME_DIR"))) return;
  if (previousHandler) previousHandler(type, context, message);
}

}  // namespace

struct OffscreenPainting::Application {
  int argc = 1;
  char name[16] = "vigie-cli";
  char* argv[2] = {name, nullptr};
  std::unique_ptr<QGuiApplication> app;
};

OffscreenPainting::OffscreenPainting() {
  if (QGuiApplication::instance()) return;
  // A terminal, a batch node or CI has no display; painting needs none.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  previousHandler = qInstallMessageHandler(quietHandler);
  application_ = std::make_unique<Application>();
  application_->app = std::make_unique<QGuiApplication>(application_->argc, application_->argv);
}

OffscreenPainting::~OffscreenPainting() {
  if (!application_) return;
  application_.reset();
  qInstallMessageHandler(previousHandler);
}

namespace {

QString qs(const std::string& text) { return QString::fromStdString(text); }

/// Something a key image shows: a finding or a missed reference nodule.
struct Mark {
  enum class Kind { Model, Reader, MissedNodule } kind = Kind::Model;
  int number = 0;  ///< finding id, or reference nodule number
  core::Vec3 centerMm;
  double diameterMm = 0.0;
  std::string caption;
};

QColor colorOf(Mark::Kind kind) {
  switch (kind) {
    case Mark::Kind::Model:
      return QColor(255, 215, 0);
    case Mark::Kind::Reader:
      return QColor(0, 220, 255);
    case Mark::Kind::MissedNodule:
      return QColor(60, 220, 60);
  }
  return Qt::white;
}

std::vector<Mark> marksOf(const CaseReview& review) {
  std::vector<Mark> marks;
  for (const auto& f : review.findings) {
    Mark m{f.fromAi ? Mark::Kind::Model : Mark::Kind::Reader,
           f.findingId,
           f.centerMm,
           f.diameterMm,
           {}};
    m.caption = "Finding " + std::to_string(f.findingId) + " (" +
                (f.fromAi ? "model, score " + formatFixed(f.score, 2) : "added by " + f.addedBy) +
                ", " + formatFixed(f.diameterMm, 1) + " mm)";
    for (const auto& call : f.calls) m.caption += "; " + call.reader + ": " + describeCall(call);
    if (f.lesion > 0) m.caption += "; on reference nodule " + std::to_string(f.lesion);
    if (f.lesion == 0) m.caption += "; on no reference nodule";
    if (f.disputed) m.caption += "; disputed";
    marks.push_back(std::move(m));
  }
  for (const auto& l : review.lesions) {
    if (l.foundByAi) continue;
    Mark m{Mark::Kind::MissedNodule, l.lesion, l.nodule.centerMm, l.nodule.diameterMm, {}};
    m.caption = "Reference nodule " + std::to_string(l.lesion) + " (" +
                formatFixed(l.nodule.diameterMm, 1) + " mm" +
                (l.nodule.type.empty() ? "" : ", " + l.nodule.type) + "), missed by the model";
    marks.push_back(std::move(m));
  }
  return marks;
}

/// Where voxels of a slice of the stack (voxel plane k) land on its
/// rendered, scaled image.
struct SliceMapping {
  const core::VolumeGeometry& geometry;
  double pixelMm;  ///< renderSlice's square pixel
  double scale;    ///< rendered pixels to key-image pixels

  std::size_t sliceOf(const core::Vec3& centerMm) const {
    const double k = std::round(geometry.physicalToIndex(centerMm).z);
    return static_cast<std::size_t>(std::clamp(k, 0.0, static_cast<double>(geometry.size.k) - 1.0));
  }
  QPointF pointOf(const core::Vec3& centerMm) const {
    const auto index = geometry.physicalToIndex(centerMm);
    return {(index.x + 0.5) * geometry.spacing.x / pixelMm * scale,
            (index.y + 0.5) * geometry.spacing.y / pixelMm * scale};
  }
  double radiusOf(double diameterMm) const {
    return std::max(8.0, (0.5 * diameterMm / pixelMm) * scale + 5.0);
  }
};

/// Writes the patient's directions at the middle of each edge: the image's
/// columns run along the volume's i axis, its rows along j (renderSlice's
/// voxel-plane "axial" view), whatever the patient plane that is.
void drawOrientationLetters(QImage& image, const core::VolumeGeometry& g) {
  const core::Vec3 right = g.direction[0], down = g.direction[1];
  const core::Vec3 left{-right.x, -right.y, -right.z}, up{-down.x, -down.y, -down.z};
  QPainter painter(&image);
  painter.setRenderHint(QPainter::Antialiasing);
  QFont font = painter.font();
  font.setPixelSize(15);
  font.setBold(true);
  painter.setFont(font);
  const int w = image.width(), h = image.height(), box = 22;
  const std::pair<QRect, core::Vec3> edges[] = {
      {QRect(2, h / 2 - box / 2, box, box), left},
      {QRect(w - box - 2, h / 2 - box / 2, box, box), right},
      {QRect(w / 2 - box / 2, 2, box, box), up},
      {QRect(w / 2 - box / 2, h - box - 2, box, box), down}};
  for (const auto& [rect, direction] : edges) {
    const QString letter = qs(patientDirectionLetter(direction));
    // A dark shadow keeps the white letter legible on bright tissue.
    painter.setPen(Qt::black);
    painter.drawText(rect.translated(1, 1), Qt::AlignCenter, letter);
    painter.setPen(Qt::white);
    painter.drawText(rect, Qt::AlignCenter, letter);
  }
}

QImage renderStackSlice(const core::CtVolume& volume, std::size_t k, double scale) {
  // SlicePlane::Axial is renderSlice's name for voxel plane k, not a claim
  // about the patient: the caption and the letters say which plane it is.
  const core::Image2D gray =
      core::renderSlice(volume, core::SlicePlane::Axial, k, core::HuWindow::lung());
  QImage image(gray.pixels.data(), gray.width, gray.height, gray.width, QImage::Format_Grayscale8);
  QImage shown = image.convertToFormat(QImage::Format_RGB32)
                     .scaled(static_cast<int>(std::lround(gray.width * scale)),
                             static_cast<int>(std::lround(gray.height * scale)),
                             Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
  drawOrientationLetters(shown, volume.geometry());
  return shown;
}

void drawMark(QPainter& painter, const SliceMapping& mapping, const Mark& mark, bool emphasized) {
  const QPointF at = mapping.pointOf(mark.centerMm);
  const double radius = mapping.radiusOf(mark.diameterMm);
  QPen pen(colorOf(mark.kind), emphasized ? 2.5 : 1.2);
  if (mark.kind == Mark::Kind::MissedNodule) pen.setStyle(Qt::DashLine);
  painter.setPen(pen);
  painter.setBrush(Qt::NoBrush);
  painter.drawEllipse(at, radius, radius);
  QFont font = painter.font();
  font.setPixelSize(emphasized ? 16 : 12);
  font.setBold(emphasized);
  painter.setFont(font);
  const QString label = (mark.kind == Mark::Kind::MissedNodule ? QStringLiteral("N") : QString()) +
                        QString::number(mark.number);
  painter.drawText(at + QPointF(radius * 0.75 + 2, -radius * 0.75 - 2), label);
}

core::Status saveImage(const QImage& image, const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (!image.save(qs(file.string()), "PNG"))
    return core::makeError(core::ErrorCode::IoError, file.string() + ": cannot write the image");
  return {};
}

}  // namespace

std::string patientDirectionLetter(const core::Vec3& d) {
  const double ax = std::abs(d.x), ay = std::abs(d.y), az = std::abs(d.z);
  if (ax >= ay && ax >= az) return d.x >= 0 ? "L" : "R";
  if (ay >= az) return d.y >= 0 ? "P" : "A";
  return d.z >= 0 ? "S" : "I";
}

std::string acquisitionPlaneOf(const core::VolumeGeometry& g) {
  const core::Vec3& n = g.direction[2];
  const double ax = std::abs(n.x), ay = std::abs(n.y), az = std::abs(n.z);
  const double length = std::sqrt(ax * ax + ay * ay + az * az);
  const double largest = std::max({ax, ay, az});
  const std::string plane = az >= ax && az >= ay ? "axial" : ay >= ax ? "coronal" : "sagittal";
  const double cos30Degrees = 0.8660254;  // further off, the slices belong to no plane
  const bool oblique = length > 0 && largest / length < cos30Degrees;
  return oblique ? "oblique " + plane : plane;
}

core::Result<std::vector<KeyImage>> writeCtKeyImages(const core::CtVolume& volume,
                                                     const CaseReview& review, bool unknown,
                                                     const std::filesystem::path& packageDir) {
  if (volume.empty())
    return core::makeError(core::ErrorCode::InvalidArgument, "the CT volume is empty");
  const auto& g = volume.geometry();
  const double pixelMm = std::min(g.spacing.x, g.spacing.y);
  const double widthPx = g.size.i * g.spacing.x / pixelMm;
  // Small volumes are enlarged so that marks and labels stay legible.
  const SliceMapping mapping{g, pixelMm, std::max(1.0, std::ceil(384.0 / widthPx))};
  const std::string plane = acquisitionPlaneOf(g);
  std::string capitalizedPlane = plane;
  capitalizedPlane[0] =
      static_cast<char>(std::toupper(static_cast<unsigned char>(capitalizedPlane[0])));

  std::vector<Mark> marks = marksOf(review);
  if (marks.size() > kMaxKeyImages) marks.resize(kMaxKeyImages);
  std::vector<KeyImage> images;
  if (unknown) {
    // The slices alone, each once, in the order of the stack: neither marks
    // nor the model's ranking give the answer away.
    std::vector<std::size_t> slices;
    for (const auto& m : marks) slices.push_back(mapping.sliceOf(m.centerMm));
    std::sort(slices.begin(), slices.end());
    slices.erase(std::unique(slices.begin(), slices.end()), slices.end());
    for (std::size_t n = 0; n < slices.size(); ++n) {
      const std::string name = "images/slice-" + std::to_string(n + 1) + ".png";
      auto saved = saveImage(renderStackSlice(volume, slices[n], mapping.scale), packageDir / name);
      if (!saved.ok()) return saved.error();
      images.push_back({name, capitalizedPlane + " slice " + std::to_string(slices[n] + 1) +
                                  " of " + std::to_string(g.size.k) + " (lung window)"});
    }
    return images;
  }
  for (const auto& subject : marks) {
    const std::size_t k = mapping.sliceOf(subject.centerMm);
    QImage image = renderStackSlice(volume, k, mapping.scale);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    for (const auto& other : marks) {
      const bool isSubject = &other == &subject;
      // Another mark is drawn where its sphere crosses this slice.
      const double reachSlices = 0.5 * other.diameterMm / g.spacing.z + 0.5;
      const double offset = std::abs(g.physicalToIndex(other.centerMm).z - static_cast<double>(k));
      if (isSubject || offset <= reachSlices) drawMark(painter, mapping, other, isSubject);
    }
    painter.end();
    const std::string name =
        std::string("images/") +
        (subject.kind == Mark::Kind::MissedNodule ? "reference-nodule-" : "finding-") +
        std::to_string(subject.number) + ".png";
    auto saved = saveImage(image, packageDir / name);
    if (!saved.ok()) return saved.error();
    images.push_back({name, subject.caption + "; " + plane + " slice " + std::to_string(k + 1) +
                                " of " + std::to_string(g.size.k) + " (lung window)"});
  }
  return images;
}

namespace {

/// The colour a lesion kind is circled in on a photograph's key image.
QColor lesionColor(const std::string& kind) {
  if (kind == "microaneurysm") return QColor(255, 230, 0);
  if (kind == "haemorrhage") return QColor(0, 220, 255);
  if (kind == "hard_exudate") return QColor(60, 255, 60);
  if (kind == "cotton_wool_spot") return QColor(255, 120, 255);
  if (kind == "neovascularisation") return QColor(255, 140, 0);
  return QColor(255, 255, 255);
}

/// "3 microaneurysms, 1 haemorrhage marked": the marks by kind.
std::string markCounts(const std::vector<core::FundusLesionMark>& marks) {
  std::map<std::string, int> byKind;
  for (const auto& m : marks) ++byKind[m.lesion];
  std::string text;
  for (const auto& [kind, count] : byKind) {
    std::string words = kind;
    std::replace(words.begin(), words.end(), '_', ' ');
    text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + words;
  }
  return text;
}

/// The caption's words on the model's lesion regions: how many, and where
/// to look for them when the store kept their places; nothing when none.
std::string modelRegionsCaption(const core::FundusAiResult& model) {
  if (!model.lesionRegions.empty()) {
    return "; AI lesion regions: " + std::to_string(model.lesionRegions.size()) + " (outlined in " +
           kAiRegionColor.name + ")";
  }
  // No count: the model found none, or had no heatmap to find them on.
  if (model.lesions <= 0) return {};
  // Recorded before the store kept places: the key image can only say so.
  return "; the model found " + std::to_string(model.lesions) + " lesion region" +
         (model.lesions == 1 ? "" : "s") + " (their places are not kept)";
}

}  // namespace

core::Result<KeyImage> writePhotographKeyImage(const core::Image2D& photograph,
                                               const std::filesystem::path& packageDir,
                                               const std::vector<core::FundusLesionMark>& marks,
                                               const core::FundusAiResult* model) {
  if (photograph.empty() || (photograph.channels != 1 && photograph.channels != 3))
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "the photograph has no grey or RGB pixels");
  const QImage::Format format =
      photograph.channels == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8;
  QImage image(photograph.pixels.data(), photograph.width, photograph.height,
               photograph.width * photograph.channels, format);
  QImage shown = image.convertToFormat(QImage::Format_RGB32);
  if (std::max(shown.width(), shown.height()) > 1024)
    shown = shown.scaled(1024, 1024, Qt::KeepAspectRatio, Qt::SmoothTransformation);
  const bool modelRegions = model && !model->lesionRegions.empty();
  if (!marks.empty() || modelRegions) {
    // Marks and regions are in the photograph's pixels (0,0 the centre of
    // the top left one).
    const double scale = double(shown.width()) / double(photograph.width);
    QPainter painter(&shown);
    painter.setRenderHint(QPainter::Antialiasing);
    if (modelRegions) {
      // Drawn first, outside a reader's circle of the same place (radius +
      // 6 against + 3), so that a mark on the same lesion stays visible.
      QPen dashed(QColor(kAiRegionColor.red, kAiRegionColor.green, kAiRegionColor.blue), 2.0);
      dashed.setStyle(Qt::DashLine);
      painter.setPen(dashed);
      painter.setBrush(Qt::NoBrush);
      for (const auto& region : model->lesionRegions) {
        const QPointF center((region.centerX + 0.5) * scale, (region.centerY + 0.5) * scale);
        const double radius = std::max(region.radius * scale, 4.0) + 6.0;
        painter.drawEllipse(center, radius, radius);
      }
    }
    for (const auto& m : marks) {
      painter.setPen(QPen(lesionColor(m.lesion), 2.0));
      const QPointF center((m.x + 0.5) * scale, (m.y + 0.5) * scale);
      const double radius = std::max(m.radius * scale, 4.0);
      painter.drawEllipse(center, radius + 3.0, radius + 3.0);
    }
  }
  const std::string name = "images/photograph.png";
  auto saved = saveImage(shown, packageDir / name);
  if (!saved.ok()) return saved.error();
  std::string caption = "The photograph (" + std::to_string(photograph.width) + " x " +
                        std::to_string(photograph.height) + " pixels)";
  if (!marks.empty()) caption += "; lesions the readers marked: " + markCounts(marks);
  if (model) caption += modelRegionsCaption(*model);
  return KeyImage{name, caption};
}

core::Status writeTeachingPdf(const std::string& html, const std::vector<KeyImage>& images,
                              const std::filesystem::path& packageDir,
                              const std::filesystem::path& pdf) {
  QTextDocument document;
  QFont font(QStringLiteral("DejaVu Sans"));
  font.setPointSizeF(10);
  document.setDefaultFont(font);
  // Qt's rich text finds images among the document's resources by the name
  // the page gives them.
  for (const auto& image : images) {
    QImage loaded(qs((packageDir / image.file).string()));
    if (loaded.isNull())
      return core::makeError(core::ErrorCode::IoError,
                             (packageDir / image.file).string() + ": cannot read the key image");
    document.addResource(QTextDocument::ImageResource, QUrl(qs(image.file)), loaded);
  }
  document.setHtml(qs(html));

  QPdfWriter writer(qs(pdf.string()));
  writer.setPageSize(QPageSize(QPageSize::A4));
  // QTextDocument::print adds 2 cm margins of its own.
  writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter);
  writer.setResolution(150);
  writer.setCreator(QStringLiteral("Vigie"));
  writer.setTitle(QStringLiteral("Teaching file"));
  document.print(&writer);
  if (!std::filesystem::exists(pdf) || std::filesystem::file_size(pdf) == 0)
    return core::makeError(core::ErrorCode::IoError, pdf.string() + ": cannot write the PDF");
  return {};
}

}  // namespace vigie::app

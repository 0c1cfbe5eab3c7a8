#pragma once

#include <QImage>
#include <QPointF>
#include <QString>
#include <QWidget>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QLabel;
class QSlider;
class QSpinBox;
class QTimer;
class QToolButton;

namespace vigie::imaging {
struct PlanarImage;
}

namespace vigie::app {

class PlanarCanvas;

/// The 2D image path: radiographs, ultrasound cine loops, secondary captures,
/// RT Dose grids, any image without patient geometry. One image of a series
/// at a time, one frame of it at a time, drawn with the pixel aspect of its
/// spacing; cine playback at the image's frame rate; window/level (grey
/// images), zoom, pan, a length measurement labelled with where its
/// millimetres come from, and radiology-style corner text.
///
/// Mouse: wheel zooms around the cursor, double-click fits again; middle drag
/// (or Ctrl + left drag) pans; right drag sets the window (horizontal: width,
/// vertical: centre); left drag measures a length.
/// Keys: Space plays/pauses; Left/Right step a frame; Home/End go to the first
/// and last frame; Up/PageUp and Down/PageDown go to the previous and next
/// image; R restores the image's own window (or VOI LUT); Delete (or
/// Backspace) withdraws the latest stored length on the frame shown.
/// GUI thread only.
class PlanarImageView : public QWidget {
  Q_OBJECT
 public:
  explicit PlanarImageView(QWidget* parent = nullptr);
  ~PlanarImageView() override;

  /// Shows these images (a series of single- or multi-frame images), at the
  /// first frame of the first image; resets window to the image's own, zoom
  /// to fit. Null entries are left out.
  void setImages(std::vector<std::shared_ptr<const imaging::PlanarImage>> images,
                 const QString& caption);
  void clear();
  bool hasImages() const { return !images_.empty(); }

  int imageCount() const { return static_cast<int>(images_.size()); }
  /// Which image of the series is shown (0-based; 0 when none).
  int image() const { return image_; }
  /// Shows image `index` of the series (clamped) at its first frame and its own window.
  void setImage(int index);

  /// Frames of the current image (0 when none).
  int frameCount() const;
  int frame() const { return frame_; }
  /// Shows frame `index` of the current image (clamped).
  void setFrame(int index);

  /// The VOI window in the image's modality units (HU, Gy ...); width > 0.
  /// Colour images keep it but are drawn as they are.
  void setWindow(double center, double width);
  double windowCenter() const { return windowCenter_; }
  double windowWidth() const { return windowWidth_; }
  /// Whether the image is drawn through its file's VOI LUT: from when it is
  /// shown until the reader sets a window (the LUT's linear equivalent is
  /// where that window starts).
  bool showingFileVoiLut() const;
  /// Back to the image's own window, or its VOI LUT when it has one (key R).
  void restoreImageWindow();

  /// Cine: loops over the frames of the current image; no-op for one frame.
  void play();
  void pause();
  bool playing() const;
  /// From the image's frame time (1000 / frameTimeMs), else 10 when unknown.
  double framesPerSecond() const;

  /// Shows a length measurement between two image points (pixel coordinates:
  /// columns, rows) and returns its label, e.g. "42.1 mm", "42.1 mm at the
  /// detector", "57 px" when uncalibrated; empty when no image is shown.
  /// Emits lengthDrawn, as a reader's drag does when released.
  QString measure(QPointF fromPixel, QPointF toPixel);
  /// The label of the measurement on screen; empty when none.
  QString measurementText() const;

  /// A length kept in the review store, drawn whenever its image and frame are shown.
  struct StoredLength {
    std::int64_t id = 0;  ///< the store's
    std::string sopInstanceUid;
    int frame = 0;  ///< from 0, as frame()
    QPointF fromPixel;
    QPointF toPixel;
  };
  /// Replaces the stored lengths drawn (any images; those of the image and
  /// frame on screen are drawn).
  void setStoredLengths(std::vector<StoredLength> lengths);
  void addStoredLength(StoredLength length);
  /// How many stored lengths the image and frame on screen show.
  int storedLengthsShown() const;
  /// The stored length drawn last on the image and frame on screen, if any.
  std::optional<StoredLength> latestStoredLengthShown() const;
  void removeStoredLength(std::int64_t id);

  /// The image shown, null when none.
  const imaging::PlanarImage* currentImage() const { return current(); }

  /// What the view shows now (a grab of the widget), for screenshot tests.
  QImage snapshot();

  const QString& caption() const { return caption_; }

 Q_SIGNALS:
  void frameChanged(int frame);
  void imageChanged(int index);
  void windowChanged(double center, double width);
  /// The reader drew a length on the image on screen (pixel coordinates), at frame().
  void lengthDrawn(QPointF fromPixel, QPointF toPixel);
  /// The reader asked to withdraw the latest stored length of the image and
  /// frame on screen (Delete or Backspace).
  void withdrawLengthRequested();

 protected:
  void keyPressEvent(QKeyEvent* event) override;

 private:
  friend class PlanarCanvas;

  /// The image shown, null when none.
  const imaging::PlanarImage* current() const;
  /// The current frame through the current window, rendered on first use.
  const QImage& renderedFrame();
  void invalidateFrame();
  void resetWindowToImage();
  void advanceCine();
  void togglePlay();
  void syncControls();
  QString frameLabelText() const;

  std::vector<std::shared_ptr<const imaging::PlanarImage>> images_;
  QString caption_;
  int image_ = 0;
  int frame_ = 0;
  double windowCenter_ = 0.0;
  double windowWidth_ = 1.0;
  bool fileVoiLut_ = true;  ///< draw through the image's VOI LUT when it has one
  std::vector<StoredLength> storedLengths_;
  QImage frameImage_;       ///< cache of renderedFrame()
  bool frameStale_ = true;  ///< frame, window or image changed since frameImage_ was made

  PlanarCanvas* canvas_ = nullptr;
  QWidget* controls_ = nullptr;
  QToolButton* playButton_ = nullptr;
  QSlider* frameSlider_ = nullptr;
  QLabel* frameLabel_ = nullptr;
  QSpinBox* imageChooser_ = nullptr;
  QTimer* cineTimer_ = nullptr;
};

}  // namespace vigie::app

#pragma once

#include <vtkSmartPointer.h>
#include <QOpenGLWidget>

class QPainter;
class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkObject;

namespace vigie::app {

/// The bridge between VTK 9.1 and a Qt 6 QOpenGLWidget. Debian's VTK builds
/// its own Qt widget against Qt 5, so Vigie renders through a
/// vtkGenericOpenGLRenderWindow into Qt's context: VTK draws into its own
/// framebuffer, and paintGL copies that frame into the widget's framebuffer
/// (which also makes grab()/grabFramebuffer() work). Qt mouse and wheel
/// events are forwarded to a VTK interactor.
///
/// GUI thread only.
class VtkOpenGLWidget : public QOpenGLWidget {
  Q_OBJECT
 public:
  explicit VtkOpenGLWidget(QWidget* parent = nullptr);
  ~VtkOpenGLWidget() override;

  vtkGenericOpenGLRenderWindow* renderWindow() const;
  vtkGenericRenderWindowInteractor* interactor() const;

  /// Asks for a VTK render at the next paint (coalesces many requests).
  void requestRender();
  /// Renders the view now and returns the frame. Hides QOpenGLWidget's
  /// function of the same name: a grab is never deferred (see paintGL).
  QImage grabFramebuffer();

 protected:
  void initializeGL() override;
  void resizeGL(int width, int height) override;
  void paintGL() override;

  void mousePressEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  /// Draws over the VTK frame with Qt (text, labels), once per paint.
  virtual void paintOverlay(QPainter& painter) {}

 private:
  void onRenderWindowEvent(vtkObject* caller, unsigned long eventId, void* callData);
  void releaseGraphics();
  void forwardMouse(QMouseEvent* event, unsigned long vtkEvent);

  vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
  vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor_;
  QMetaObject::Connection contextTeardown_;  ///< disconnected before this widget dies
  bool renderPending_ = true;
  bool forceRender_ = false;  ///< inside grabFramebuffer()
  bool hasFrame_ = false;     ///< VTK's framebuffer holds a frame of the current size
  bool inPaint_ = false;
};

}  // namespace vigie::app

#include "VtkOpenGLWidget.h"

#include <QOpenGLPaintDevice>
#include <QPainter>
#include <QTimer>

#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>

#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QScreen>
#include <QWheelEvent>

namespace vigie::app {
namespace {

/// Set once a view has rendered in the current paint cycle (Qt paints the
/// window's dirty GL widgets one after another, inside one event); cleared
/// when the event loop turns again. GUI thread only, like the widgets.
bool renderedThisCycle = false;

}  // namespace

VtkOpenGLWidget::VtkOpenGLWidget(QWidget* parent)
    : QOpenGLWidget(parent),
      window_(vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New()),
      interactor_(vtkSmartPointer<vtkGenericRenderWindowInteractor>::New()) {
  window_->SetReadyForRendering(false);  // until Qt has a context for us
  window_->SetFrameBlitModeToNoBlit();   // paintGL copies the frame itself
  window_->SetOwnContext(0);
  window_->SetMultiSamples(
      0);  // images must not be smoothed, and it costs a third of the frame rate
  window_->SetForceMaximumHardwareLineWidth(1);
  interactor_->SetRenderWindow(window_);
  interactor_->EnableRenderOff();  // renders go through requestRender() and paintGL
  interactor_->Initialize();
  for (unsigned long event : {vtkCommand::WindowMakeCurrentEvent, vtkCommand::WindowIsCurrentEvent,
                              vtkCommand::WindowFrameEvent}) {
    window_->AddObserver(event, this, &VtkOpenGLWidget::onRenderWindowEvent);
  }
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(false);
}

VtkOpenGLWidget::~VtkOpenGLWidget() {
  disconnect(contextTeardown_);
  makeCurrent();
  releaseGraphics();
  doneCurrent();
  window_->RemoveAllObservers();
}

vtkGenericOpenGLRenderWindow* VtkOpenGLWidget::renderWindow() const { return window_; }

vtkGenericRenderWindowInteractor* VtkOpenGLWidget::interactor() const { return interactor_; }

void VtkOpenGLWidget::releaseGraphics() {
  if (window_->GetReadyForRendering()) {
    window_->Finalize();
    window_->SetReadyForRendering(false);
  }
}

void VtkOpenGLWidget::onRenderWindowEvent(vtkObject*, unsigned long eventId, void* callData) {
  switch (eventId) {
    case vtkCommand::WindowMakeCurrentEvent:
      // VTK asks for this many times per frame, also while its own framebuffer
      // is bound; QOpenGLWidget::makeCurrent() would rebind Qt's framebuffer
      // under VTK's feet, so only switch when another context is current.
      if (QOpenGLContext::currentContext() != context()) makeCurrent();
      break;
    case vtkCommand::WindowIsCurrentEvent:
      // Without this answer VTK believes it has no context and skips every render.
      *static_cast<bool*>(callData) = QOpenGLContext::currentContext() == context();
      break;
    case vtkCommand::WindowFrameEvent:
      if (!inPaint_) update();  // VTK rendered on its own: show the new frame
      break;
    default:
      break;
  }
}

QImage VtkOpenGLWidget::grabFramebuffer() {
  forceRender_ = true;
  QImage frame = QOpenGLWidget::grabFramebuffer();
  forceRender_ = false;
  return frame;
}

void VtkOpenGLWidget::requestRender() {
  renderPending_ = true;
  update();
}

void VtkOpenGLWidget::initializeGL() {
  window_->SetReadyForRendering(true);
  window_->InitializeFromCurrentContext();
  window_->GetState()->Reset();
  hasFrame_ = false;
  disconnect(contextTeardown_);
  contextTeardown_ = connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] {
    makeCurrent();
    releaseGraphics();
    doneCurrent();
  });
  renderPending_ = true;
}

void VtkOpenGLWidget::resizeGL(int width, int height) {
  const double ratio = devicePixelRatioF();
  const int w = static_cast<int>(width * ratio), h = static_cast<int>(height * ratio);
  interactor_->UpdateSize(w, h);
  window_->SetSize(w, h);
  if (screen()) {
    const QSize s = screen()->size() * ratio;
    window_->SetScreenSize(s.width(), s.height());
  }
  window_->SetDPI(static_cast<int>(72 * ratio));
  renderPending_ = true;
  hasFrame_ = false;  // the last frame has the old size
}

void VtkOpenGLWidget::paintGL() {
  if (!window_->GetReadyForRendering()) return;
  inPaint_ = true;
  vtkOpenGLState* state = window_->GetState();
  // Qt changed the GL state since VTK last looked: record it, and restore it after.
  state->Reset();
  state->Push();
  state->vtkglDepthFunc(GL_LEQUAL);
  if (renderPending_) {
    if (renderedThisCycle && hasFrame_ && !forceRender_) {
      // Another view rendered in this paint cycle: show this one's previous
      // frame now and render it on the next event-loop turn, so views that
      // change together (a new study, the crosshair moving) never add up to
      // one long freeze on software OpenGL.
      QTimer::singleShot(0, this, [this] { update(); });
    } else {
      window_->Render();
      renderPending_ = false;
      hasFrame_ = true;
      if (!renderedThisCycle) {
        renderedThisCycle = true;
        QTimer::singleShot(0, [] { renderedThisCycle = false; });
      }
    }
  }
  QOpenGLExtraFunctions* gl = context()->extraFunctions();
  const int w = static_cast<int>(width() * devicePixelRatioF());
  const int h = static_cast<int>(height() * devicePixelRatioF());
  gl->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
  const GLenum attachment = GL_COLOR_ATTACHMENT0;
  gl->glDrawBuffers(1, &attachment);
  if (auto* frame = window_->GetRenderFramebuffer()) {
    int* size = frame->GetLastSize();
    window_->BlitDisplayFramebuffer(0, 0, 0, size[0], size[1], 0, 0, w, h, GL_COLOR_BUFFER_BIT,
                                    GL_NEAREST);
  }
  // Force opaque alpha, or compositors (and grab()) blend the view with what is behind.
  gl->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
  gl->glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
  gl->glClear(GL_COLOR_BUFFER_BIT);
  gl->glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
  state->Pop();
  // Qt draws the text into the same framebuffer. Not through QPainter(this):
  // while QWidget::grab() renders the window, that painter is redirected
  // into the grab's pixmap, under the GL image.
  gl->glBindFramebuffer(GL_FRAMEBUFFER, defaultFramebufferObject());
  QOpenGLPaintDevice device(QSize(w, h));
  device.setDevicePixelRatio(devicePixelRatioF());
  {
    QPainter painter(&device);
    paintOverlay(painter);
  }
  inPaint_ = false;
}

void VtkOpenGLWidget::forwardMouse(QMouseEvent* event, unsigned long vtkEvent) {
  const double ratio = devicePixelRatioF();
  const QPointF p = event->position() * ratio;
  interactor_->SetEventInformationFlipY(static_cast<int>(p.x()), static_cast<int>(p.y()),
                                        (event->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                        (event->modifiers() & Qt::ShiftModifier) ? 1 : 0);
  interactor_->SetAltKey((event->modifiers() & Qt::AltModifier) ? 1 : 0);
  interactor_->InvokeEvent(vtkEvent, event);
}

void VtkOpenGLWidget::mousePressEvent(QMouseEvent* event) {
  switch (event->button()) {
    case Qt::LeftButton:
      forwardMouse(event, vtkCommand::LeftButtonPressEvent);
      break;
    case Qt::MiddleButton:
      forwardMouse(event, vtkCommand::MiddleButtonPressEvent);
      break;
    case Qt::RightButton:
      forwardMouse(event, vtkCommand::RightButtonPressEvent);
      break;
    default:
      break;
  }
}

void VtkOpenGLWidget::mouseReleaseEvent(QMouseEvent* event) {
  switch (event->button()) {
    case Qt::LeftButton:
      forwardMouse(event, vtkCommand::LeftButtonReleaseEvent);
      break;
    case Qt::MiddleButton:
      forwardMouse(event, vtkCommand::MiddleButtonReleaseEvent);
      break;
    case Qt::RightButton:
      forwardMouse(event, vtkCommand::RightButtonReleaseEvent);
      break;
    default:
      break;
  }
}

void VtkOpenGLWidget::mouseMoveEvent(QMouseEvent* event) {
  forwardMouse(event, vtkCommand::MouseMoveEvent);
}

void VtkOpenGLWidget::wheelEvent(QWheelEvent* event) {
  const double ratio = devicePixelRatioF();
  const QPointF p = event->position() * ratio;
  interactor_->SetEventInformationFlipY(static_cast<int>(p.x()), static_cast<int>(p.y()),
                                        (event->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                        (event->modifiers() & Qt::ShiftModifier) ? 1 : 0);
  const int delta = event->angleDelta().y();
  if (delta > 0) interactor_->InvokeEvent(vtkCommand::MouseWheelForwardEvent, event);
  if (delta < 0) interactor_->InvokeEvent(vtkCommand::MouseWheelBackwardEvent, event);
  event->accept();
}

}  // namespace vigie::app

#pragma once

#include <QColor>
#include <QString>
#include <array>

class QPainter;
class QRect;

namespace vigie::app {

/// The text around a view: four corners (several lines each) and a label at
/// the middle of each edge (orientation letters), drawn by Qt over the VTK
/// frame. Qt caches glyphs, so changing the slice number costs next to
/// nothing; VTK's corner annotation rasterised and re-fitted every string on
/// every change, which was two thirds of a scrolling frame on software OpenGL.
class ViewAnnotations {
 public:
  enum Corner { LowerLeft, LowerRight, UpperLeft, UpperRight };
  enum Edge { Top, Bottom, Left, Right };

  void setCorner(Corner corner, const QString& text) { corners_[corner] = text; }
  void setEdge(Edge edge, const QString& text) { edges_[edge] = text; }
  const QString& corner(Corner corner) const { return corners_[corner]; }
  const QString& edge(Edge edge) const { return edges_[edge]; }
  void setColor(const QColor& color) { color_ = color; }

  /// Draws the text inside `area` (widget pixels), with a dark outline so it
  /// reads over bright and dark images alike.
  void paint(QPainter& painter, const QRect& area) const;

 private:
  std::array<QString, 4> corners_;
  std::array<QString, 4> edges_;
  QColor color_{242, 217, 77};
};

}  // namespace vigie::app

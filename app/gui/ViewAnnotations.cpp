#include "ViewAnnotations.h"

#include <QFont>
#include <QPainter>
#include <QRect>

namespace vigie::app {
namespace {

void drawOutlined(QPainter& painter, const QRect& area, int flags, const QString& text,
                  const QColor& color) {
  painter.setPen(QColor(0, 0, 0, 200));
  for (const QPoint& shift : {QPoint(1, 1), QPoint(-1, 1), QPoint(1, -1), QPoint(-1, -1)})
    painter.drawText(area.translated(shift), flags, text);
  painter.setPen(color);
  painter.drawText(area, flags, text);
}

}  // namespace

void ViewAnnotations::paint(QPainter& painter, const QRect& area) const {
  QFont font = painter.font();
  // Small views get smaller text, as the corner annotation's scaling did.
  font.setPixelSize(area.height() < 300 ? 11 : 14);
  painter.setFont(font);
  painter.setRenderHint(QPainter::TextAntialiasing);
  const QRect inside = area.adjusted(5, 3, -5, -3);
  const int cornerFlags[4] = {Qt::AlignLeft | Qt::AlignBottom, Qt::AlignRight | Qt::AlignBottom,
                              Qt::AlignLeft | Qt::AlignTop, Qt::AlignRight | Qt::AlignTop};
  for (int c = 0; c < 4; ++c) {
    if (!corners_[c].isEmpty()) drawOutlined(painter, inside, cornerFlags[c], corners_[c], color_);
  }
  const int edgeFlags[4] = {Qt::AlignHCenter | Qt::AlignTop, Qt::AlignHCenter | Qt::AlignBottom,
                            Qt::AlignLeft | Qt::AlignVCenter, Qt::AlignRight | Qt::AlignVCenter};
  for (int e = 0; e < 4; ++e) {
    if (!edges_[e].isEmpty()) drawOutlined(painter, inside, edgeFlags[e], edges_[e], color_);
  }
}

}  // namespace vigie::app

#include "frame_strip/frame_strip.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>

namespace widgets {

namespace {
constexpr int kLabelWidth = 78, kGap = 2, kMarker = 4, kSmallest = 56, kLargest = 160;
}

FrameStrip::FrameStrip(QWidget* parent) : QWidget(parent) {
    setMinimumHeight(2 * (kSmallest + kGap) + 2 * kMarker);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setCursor(Qt::PointingHandCursor);
    setToolTip("Click a frame to see it large with its t, density and residual");
}

void FrameStrip::setRows(const QVector<StripRow>& rows, const QVector<int>& keyframes) {
    rows_ = rows;
    keyframes_ = keyframes;
    // Never smaller than kSmallest per frame: a long chain scrolls sideways (in a scroll area).
    setMinimumWidth(kLabelWidth + std::max(1, columns()) * (kSmallest + kGap));
    setMinimumHeight(std::max(2, static_cast<int>(rows_.size())) * (kSmallest + kGap) + 2 * kMarker);
    updateGeometry();
    update();
}

void FrameStrip::setSelected(int column) {
    selected_ = column;
    update();
}

int FrameStrip::columns() const {
    int n = 0;
    for (const StripRow& r : rows_) n = std::max(n, static_cast<int>(r.frames.size()));
    return n;
}

int FrameStrip::cellSide() const {
    const int n = std::max(1, columns()), r = std::max(1, static_cast<int>(rows_.size()));
    const int byWidth = (width() - kLabelWidth) / n - kGap, byHeight = (height() - 2 * kMarker) / r - kGap;
    return std::clamp(std::min(byWidth, byHeight), kSmallest, kLargest);
}

QSize FrameStrip::sizeHint() const {
    const int side = 72;
    return {kLabelWidth + std::max(1, columns()) * (side + kGap), std::max(1, static_cast<int>(rows_.size())) * (side + kGap) + 2 * kMarker};
}

QRect FrameStrip::cellRect(int row, int column) const {
    const int side = cellSide();
    return {kLabelWidth + column * (side + kGap), kMarker + row * (side + kGap), side, side};
}

void FrameStrip::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    const int side = cellSide();
    for (int r = 0; r < rows_.size(); ++r) {
        const StripRow& row = rows_[r];
        p.setPen(row.colour.isValid() ? row.colour : palette().text().color());
        p.drawText(QRect(0, kMarker + r * (side + kGap), kLabelWidth - 6, side), Qt::AlignRight | Qt::AlignVCenter | Qt::TextWordWrap, row.label);
        for (int c = 0; c < row.frames.size(); ++c) {
            const QRect cell = cellRect(r, c);
            if (row.frames[c].isNull()) p.fillRect(cell, QColor(128, 128, 128, 60));
            else p.drawImage(cell, row.frames[c]);
        }
    }
    const int bottom = kMarker + rows_.size() * (side + kGap);
    for (int k : keyframes_) {
        const QRect cell = cellRect(0, k);
        p.fillRect(QRect(cell.left(), 0, cell.width(), kMarker - 1), QColor(255, 190, 40));
        p.fillRect(QRect(cell.left(), bottom - 1, cell.width(), kMarker - 1), QColor(255, 190, 40));
    }
    if (selected_ >= 0 && selected_ < columns()) {
        p.setPen(QPen(palette().highlight().color(), 2));
        p.setBrush(Qt::NoBrush);
        const QRect top = cellRect(0, selected_);
        p.drawRect(QRect(top.left() - 1, top.top() - 1, top.width() + 2, bottom - top.top()));
    }
}

void FrameStrip::mousePressEvent(QMouseEvent* e) {
    for (int r = 0; r < rows_.size(); ++r)
        for (int c = 0; c < rows_[r].frames.size(); ++c)
            if (cellRect(r, c).contains(e->position().toPoint())) return Q_EMIT frameClicked(r, c);
}

}  // namespace widgets

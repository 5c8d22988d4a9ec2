#pragma once
// Rows of frames one above another (the geodesic, the baseline), column by column at the same t,
// keyframe columns marked; frames shrink to fit the width. Clicking a frame reports it. A row may
// have empty cells (not computed yet), drawn as grey.
#include <QImage>
#include <QWidget>

namespace widgets {

struct StripRow {
    QString label;
    QVector<QImage> frames;  // null images: not there yet
    QColor colour;
};

class FrameStrip : public QWidget {
    Q_OBJECT
public:
    explicit FrameStrip(QWidget* parent = nullptr);
    void setRows(const QVector<StripRow>& rows, const QVector<int>& keyframes);
    void setSelected(int column);  // −1: none
    int rowCount() const { return rows_.size(); }
    const StripRow& row(int i) const { return rows_[i]; }
    QSize sizeHint() const override;
    QRect cellRect(int row, int column) const;  // where a frame is drawn (tests click there)

Q_SIGNALS:
    void frameClicked(int row, int column);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;

private:
    int columns() const;
    int cellSide() const;
    QVector<StripRow> rows_;
    QVector<int> keyframes_;
    int selected_ = -1;
};

}  // namespace widgets

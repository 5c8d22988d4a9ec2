#pragma once
// The keyframes of an image path as a row of thumbnails: each shows the whole picture with the
// centre square the model sees outlined (the rest dimmed). Drag to reorder; drop files from a file
// manager (or image data) to add; right-click or Delete to remove, right-click to replace. With a
// text-conditioned model each tile's caption is its prompt, edited in place.
#include <QListWidget>

namespace widgets {

class KeyframeBar : public QListWidget {
    Q_OBJECT
public:
    explicit KeyframeBar(QWidget* parent = nullptr);

    void addKeyframe(quint64 id, const QImage& image, const QString& name, int row = -1);
    void replaceKeyframe(quint64 id, const QImage& image, const QString& name);
    void removeKeyframe(quint64 id);
    QVector<quint64> order() const;  // ids, left to right
    void setOrder(const QVector<quint64>& ids);  // moves these to the front in this order
    bool contains(quint64 id) const { return itemOf(id) != nullptr; }
    void setPromptsEditable(bool on);
    QString prompt(quint64 id) const;
    void setPrompt(quint64 id, const QString& prompt);
    // The thumbnail: the image fitted into side × side with its centre square outlined.
    static QImage thumbnail(const QImage& image, int side);

Q_SIGNALS:
    void filesDropped(QStringList paths, int row);  // row −1: at the end
    void imageDropped(QImage image, int row);
    void removeRequested(quint64 id);
    void replaceRequested(quint64 id);
    void changed();  // order or prompts

protected:
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dragMoveEvent(QDragMoveEvent* e) override;
    void dropEvent(QDropEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    void contextMenuEvent(QContextMenuEvent* e) override;
    void paintEvent(QPaintEvent* e) override;  // an empty row says what to do

private:
    QListWidgetItem* itemOf(quint64 id) const;
    void refreshCaption(QListWidgetItem* item);
    bool promptsEditable_ = false;
};

}  // namespace widgets

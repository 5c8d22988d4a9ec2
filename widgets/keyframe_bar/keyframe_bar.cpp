#include "keyframe_bar/keyframe_bar.h"

#include <QContextMenuEvent>
#include <QDropEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QUrl>

namespace widgets {

namespace {
constexpr int kSide = 96;
enum Role { Id = Qt::UserRole, Name, Prompt };
}  // namespace

KeyframeBar::KeyframeBar(QWidget* parent) : QListWidget(parent) {
    setViewMode(QListView::IconMode);
    setFlow(QListView::LeftToRight);
    setWrapping(false);
    setMovement(QListView::Snap);
    setIconSize(QSize(kSide, kSide));
    setGridSize(QSize(kSide + 24, kSide + 40));
    setDragDropMode(QAbstractItemView::InternalMove);
    setDefaultDropAction(Qt::MoveAction);
    setAcceptDrops(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    setFixedHeight(kSide + 52);
    setToolTip("Keyframes, in order. Drop image files here, drag to reorder, right-click to replace or remove.");
    connect(model(), &QAbstractItemModel::rowsMoved, this, &KeyframeBar::changed);
    connect(this, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        if (!promptsEditable_ || item->text() == item->data(Prompt).toString()) return;
        item->setData(Prompt, item->text());
        Q_EMIT changed();
    });
}

QImage KeyframeBar::thumbnail(const QImage& image, int side) {
    QImage out(side, side, QImage::Format_RGB32);
    out.fill(QColor(40, 40, 40));
    if (image.isNull()) return out;
    const QImage scaled = image.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QPainter p(&out);
    const QPoint at((side - scaled.width()) / 2, (side - scaled.height()) / 2);
    p.drawImage(at, scaled);
    const int square = std::min(scaled.width(), scaled.height());
    const QRect crop(at.x() + (scaled.width() - square) / 2, at.y() + (scaled.height() - square) / 2, square, square);
    if (scaled.width() != scaled.height()) {
        QRegion outside(QRect(at, scaled.size()));
        outside -= QRegion(crop);
        p.setClipRegion(outside);
        p.fillRect(out.rect(), QColor(0, 0, 0, 140));
        p.setClipping(false);
        p.setPen(QPen(QColor(255, 210, 60), 2));
        p.drawRect(crop.adjusted(1, 1, -1, -1));
    }
    return out;
}

void KeyframeBar::addKeyframe(quint64 id, const QImage& image, const QString& name, int row) {
    auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(thumbnail(image, kSide))), name);
    item->setData(Id, id);
    item->setData(Name, name);
    item->setData(Prompt, QString());
    item->setToolTip(QString("%1\n%2×%3").arg(name).arg(image.width()).arg(image.height()));
    item->setFlags(item->flags() | Qt::ItemIsDragEnabled);
    refreshCaption(item);
    insertItem(row < 0 || row > count() ? count() : row, item);
    Q_EMIT changed();
}

void KeyframeBar::replaceKeyframe(quint64 id, const QImage& image, const QString& name) {
    QListWidgetItem* item = itemOf(id);
    if (!item) return;
    item->setIcon(QIcon(QPixmap::fromImage(thumbnail(image, kSide))));
    item->setData(Name, name);
    item->setToolTip(QString("%1\n%2×%3").arg(name).arg(image.width()).arg(image.height()));
    refreshCaption(item);
    Q_EMIT changed();
}

void KeyframeBar::removeKeyframe(quint64 id) {
    delete itemOf(id);
    Q_EMIT changed();
}

QVector<quint64> KeyframeBar::order() const {
    QVector<quint64> ids;
    for (int i = 0; i < count(); ++i) ids << item(i)->data(Id).toULongLong();
    return ids;
}

void KeyframeBar::setOrder(const QVector<quint64>& ids) {
    for (int i = 0; i < ids.size(); ++i) {
        QListWidgetItem* it = itemOf(ids[i]);
        const int r = it ? row(it) : -1;
        if (r < 0 || r == i) continue;
        takeItem(r);
        insertItem(i, it);
    }
    Q_EMIT changed();
}

void KeyframeBar::setPromptsEditable(bool on) {
    promptsEditable_ = on;
    for (int i = 0; i < count(); ++i) refreshCaption(item(i));
}

QString KeyframeBar::prompt(quint64 id) const {
    const QListWidgetItem* item = itemOf(id);
    return item ? item->data(Prompt).toString() : QString();
}

void KeyframeBar::setPrompt(quint64 id, const QString& prompt) {
    if (QListWidgetItem* item = itemOf(id)) {
        item->setData(Prompt, prompt);
        refreshCaption(item);
    }
}

QListWidgetItem* KeyframeBar::itemOf(quint64 id) const {
    for (int i = 0; i < count(); ++i)
        if (item(i)->data(Id).toULongLong() == id) return item(i);
    return nullptr;
}

void KeyframeBar::refreshCaption(QListWidgetItem* item) {
    const QSignalBlocker quiet(this);
    if (promptsEditable_) {
        item->setFlags(item->flags() | Qt::ItemIsEditable);
        const QString prompt = item->data(Prompt).toString();
        item->setText(prompt);
        item->setToolTip(item->data(Name).toString() + "\nDouble-click to edit this image's prompt");
    } else {
        item->setFlags(item->flags() & ~Qt::ItemIsEditable);
        item->setText(item->data(Name).toString());
    }
}

namespace {
bool isExternal(const QMimeData* m) { return m->hasUrls() || m->hasImage(); }
}  // namespace

void KeyframeBar::dragEnterEvent(QDragEnterEvent* e) {
    if (isExternal(e->mimeData())) return e->acceptProposedAction();
    QListWidget::dragEnterEvent(e);
}

void KeyframeBar::dragMoveEvent(QDragMoveEvent* e) {
    if (isExternal(e->mimeData())) return e->acceptProposedAction();
    QListWidget::dragMoveEvent(e);
}

void KeyframeBar::dropEvent(QDropEvent* e) {
    const QMimeData* m = e->mimeData();
    if (!isExternal(m) || e->source() == this) return QListWidget::dropEvent(e);
    const QListWidgetItem* at = itemAt(e->position().toPoint());
    const int row = at ? this->row(at) : -1;
    if (m->hasUrls()) {
        QStringList paths;
        for (const QUrl& u : m->urls())
            if (u.isLocalFile()) paths << u.toLocalFile();
        if (!paths.isEmpty()) Q_EMIT filesDropped(paths, row);
    } else {
        Q_EMIT imageDropped(qvariant_cast<QImage>(m->imageData()), row);
    }
    e->acceptProposedAction();
}

void KeyframeBar::keyPressEvent(QKeyEvent* e) {
    if ((e->key() == Qt::Key_Delete || e->key() == Qt::Key_Backspace) && currentItem() && state() != EditingState)
        return Q_EMIT removeRequested(currentItem()->data(Id).toULongLong());
    QListWidget::keyPressEvent(e);
}

void KeyframeBar::paintEvent(QPaintEvent* e) {
    QListWidget::paintEvent(e);
    if (count() > 0) return;
    QPainter p(viewport());
    p.setPen(palette().placeholderText().color());
    p.drawText(viewport()->rect(), Qt::AlignCenter,
               "Drop two or more images here (any size: the centre square is used),\nor use Add images…, Paste, Add scenes or Add a sample.");
}

void KeyframeBar::contextMenuEvent(QContextMenuEvent* e) {
    QListWidgetItem* item = itemAt(e->pos());
    if (!item) return;
    const quint64 id = item->data(Id).toULongLong();
    QMenu menu(this);
    menu.addAction("Replace…", this, [this, id] { Q_EMIT replaceRequested(id); });
    if (promptsEditable_) menu.addAction("Edit prompt", this, [this, item] { editItem(item); });
    menu.addAction("Remove", this, [this, id] { Q_EMIT removeRequested(id); });
    menu.exec(e->globalPos());
}

}  // namespace widgets

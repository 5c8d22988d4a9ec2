// The image mode's keyframes: added from files, drops, the clipboard, the scene generator and the
// model's samples; removed, replaced and reordered; every change one undoable step (the bar shows
// a list of stored keyframes, and each command swaps one list for another).
#include "image_mode.h"

#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QFileInfo>
#include <QMimeData>
#include <QPointer>
#include <QSettings>

#include "image_convert.h"
#include "keyframe_bar/keyframe_bar.h"
#include "scenes/scene.h"
#include "thread_handoff.h"

namespace {

constexpr int kPreviewSide = 512;  // thumbnails and the large view need no more
const QString kImageFilter = "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.ppm *.pgm);;All files (*)";

class SetOrder : public QUndoCommand {
public:
    SetOrder(const QString& text, std::function<void(const QVector<quint64>&)> apply, QVector<quint64> before, QVector<quint64> after, bool done)
        : QUndoCommand(text), apply_(std::move(apply)), before_(std::move(before)), after_(std::move(after)), skip_(done) {}
    void undo() override { apply_(before_); }
    void redo() override {
        if (skip_) skip_ = false;
        else apply_(after_);
    }

private:
    std::function<void(const QVector<quint64>&)> apply_;
    QVector<quint64> before_, after_;
    bool skip_;
};

}  // namespace

quint64 ImageMode::store(Keyframe k) {
    const quint64 id = nextKeyframe_++;
    keyframes_[id] = std::move(k);
    return id;
}

void ImageMode::applyOrder(const QVector<quint64>& ids) {
    applying_ = true;
    for (quint64 id : bar_->order())
        if (!ids.contains(id)) bar_->removeKeyframe(id);
    for (int i = 0; i < ids.size(); ++i)
        if (!bar_->contains(ids[i])) {
            const Keyframe& k = keyframes_.at(ids[i]);
            bar_->addKeyframe(ids[i], k.preview, k.name, i);
        }
    bar_->setOrder(ids);
    order_ = ids;
    applying_ = false;
    optionChanged();
}

void ImageMode::pushOrder(const QString& what, const QVector<quint64>& ids) {
    undo_.push(new SetOrder(what, [this](const QVector<quint64>& o) { applyOrder(o); }, order_, ids, false));
}

int ImageMode::keyframeCount() const { return order_.size(); }

void ImageMode::addImage(const QImage& image, const QString& name, int row) {
    if (image.isNull()) return setStatus("The dropped or pasted data is not an image.", true);
    Keyframe k{name, {}, std::make_shared<const geo::RgbImage>(toRgbImage(image)), image};
    QVector<quint64> ids = order_;
    ids.insert(row < 0 || row > ids.size() ? ids.size() : row, store(std::move(k)));
    pushOrder("Add " + name, ids);
}

void ImageMode::readFiles(const QStringList& paths, std::function<void(QVector<Keyframe>, QStringList)> done) {
    // Decoding a photo takes a quarter of a second per 9 MP: off the GUI thread, in order, as one batch.
    ++reading_;
    setStatus(QString("Reading %1 image%2…").arg(paths.size()).arg(paths.size() == 1 ? "" : "s"));
    startPoolTask([this, paths, done = std::move(done), alive = QPointer<ImageMode>(this)] {
        QVector<Keyframe> loaded;
        QStringList failed;
        for (const QString& path : paths) {
            try {
                Keyframe k{QFileInfo(path).fileName(), path, std::make_shared<const geo::RgbImage>(geo::readImage(path.toStdString())), {}};
                const QImage full = toQImage(*k.image);
                k.preview = std::max(full.width(), full.height()) > kPreviewSide ? full.scaled(kPreviewSide, kPreviewSide, Qt::KeepAspectRatio, Qt::SmoothTransformation)
                                                                                   : full;
                loaded << std::move(k);
            } catch (const std::exception& e) {
                failed << QString::fromStdString(e.what());
            }
        }
        queueOn(qApp, [this, alive, loaded = std::move(loaded), failed, done]() mutable {
            if (!alive) return;  // the mode closed while its files were read
            --reading_;
            done(std::move(loaded), failed);
        });
    });
}

void ImageMode::addImageFiles(const QStringList& paths, int row) {
    readFiles(paths, [this, row](QVector<Keyframe> loaded, const QStringList& failed) {
        QVector<quint64> ids = order_;
        int at = row < 0 || row > ids.size() ? ids.size() : row;
        QStringList added;
        for (Keyframe& k : loaded) {  // a photo's pixels are tens of megabytes: moved, not copied
            added << k.path;
            ids.insert(at++, store(std::move(k)));
        }
        if (!added.isEmpty()) {
            pushOrder(added.size() == 1 ? "Add " + QFileInfo(added[0]).fileName() : QString("Add %1 images").arg(added.size()), ids);
            rememberFiles(added);
        }
        if (!failed.isEmpty()) setStatus("Not added: " + failed.join("; "), true);
        else setStatus(QString("Added %1 image%2.").arg(added.size()).arg(added.size() == 1 ? "" : "s"));
        Q_EMIT imagesAdded(added.size(), failed);
    });
}

void ImageMode::addScenes(int count) {
    const int size = service_->hasModel() ? service_->current().imageSize : 64;
    QVector<quint64> ids = order_;
    for (int i = 0; i < count; ++i) {
        const uint64_t seed = 1000 + static_cast<uint64_t>(scenesAdded_++);
        const geo::Scene scene = geo::randomScene(seed);
        Keyframe k{QString("scene %1").arg(seed), {}, std::make_shared<const geo::RgbImage>(geo::renderScene(scene, size)), {}};
        k.preview = toQImage(*k.image);
        ids << store(std::move(k));
    }
    pushOrder(QString("Add %1 scenes").arg(count), ids);
}

bool ImageMode::addSample() {
    if (!service_->hasModel()) {
        setStatus("Load a model first (Model ▸ Choose model…).", true);
        return false;
    }
    SampleRequest r;
    r.seed = sampleSeed_++;
    r.prompt = bar_->currentItem() ? bar_->prompt(bar_->order().value(bar_->currentRow())) : QString();
    setStatus(QString("Drawing a sample (seed %1)…").arg(r.seed));
    sampleId_ = service_->submit(ModelService::Slot::Sample, [r](const std::shared_ptr<geo::DiffusionModel>& model, const geo::SolveControl& control,
                                                                const ModelService::Reporter&) {
        if (!model) throw std::runtime_error("no model is loaded");
        return QVariant::fromValue(qMakePair(sampleImage(model, r, control, [](const QString&, int, int) {}), 0.0));
    });
    return true;
}

void ImageMode::removeKeyframe(quint64 id) {
    QVector<quint64> ids = order_;
    ids.removeAll(id);
    pushOrder("Remove " + keyframes_.at(id).name, ids);
}

void ImageMode::replaceKeyframe(quint64 id) {
    const QString path = QFileDialog::getOpenFileName(this, "Replace " + keyframes_.at(id).name, QSettings().value("images/folder").toString(), kImageFilter);
    if (path.isEmpty()) return;
    readFiles({path}, [this, id](QVector<Keyframe> loaded, const QStringList& failed) {
        if (!failed.isEmpty()) return setStatus(failed.front(), true);
        QVector<quint64> ids = order_;
        const int at = ids.indexOf(id);
        if (at < 0) return;  // removed meanwhile
        const QString path = loaded.front().path;
        ids.replace(at, store(std::move(loaded.front())));
        pushOrder("Replace " + keyframes_.at(id).name, ids);
        rememberFiles({path});
    });
}

void ImageMode::chooseFiles() {
    const QStringList paths = QFileDialog::getOpenFileNames(this, "Add images", QSettings().value("images/folder").toString(), kImageFilter);
    if (!paths.isEmpty()) addImageFiles(paths);
}

void ImageMode::pasteImage() {
    const QMimeData* m = QApplication::clipboard()->mimeData();
    if (m && m->hasUrls()) {
        QStringList paths;
        for (const QUrl& u : m->urls())
            if (u.isLocalFile()) paths << u.toLocalFile();
        if (!paths.isEmpty()) return addImageFiles(paths);
    }
    if (m && m->hasImage()) return addImage(qvariant_cast<QImage>(m->imageData()), "pasted image");
    setStatus("The clipboard holds no image.", true);
}

void ImageMode::rememberFiles(const QStringList& paths) {
    QSettings s;
    QStringList recent = s.value("images/recent").toStringList();
    for (const QString& p : paths) {
        recent.removeAll(p);
        recent.prepend(p);
    }
    s.setValue("images/recent", recent.mid(0, 12));
    s.setValue("images/folder", QFileInfo(paths.back()).absolutePath());
}


void ImageMode::keyframesChanged() {
    if (applying_) return;
    const QVector<quint64> now = bar_->order();
    if (now != order_) {  // a drag reordered them (a prompt edit keeps the order)
        undo_.push(new SetOrder("Reorder keyframes", [this](const QVector<quint64>& o) { applyOrder(o); }, order_, now, true));
        order_ = now;
    }
    optionChanged();
}

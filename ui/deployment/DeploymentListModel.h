#pragma once
// The sidebar's list: one row per deployment, in the order they were added. Rows follow each
// deployment's statusChanged/profileChanged signals with a dataChanged for that row only.

#include <QAbstractListModel>
#include <QList>

#include <functional>

namespace kiq::ui {

class Deployment;

class DeploymentListModel final : public QAbstractListModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentListModel)
public:
    enum Role {
        DeploymentRole = Qt::UserRole, // Deployment* (as QObject*)
        StatusRole, // int(Deployment::Status)
        StatusTextRole, // QString
        TagColorRole, // QColor
        EnvironmentRole, // QString, translated label
        DescriptionRole, // QString, ConnectionOptions::describe()
        CertificateWarningRole, // QString: the soonest certificate expiry to warn about, or empty
    };

    explicit DeploymentListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

    void append(Deployment* deployment); // not owned
    void remove(Deployment* deployment);
    Deployment* at(int row) const;
    int rowOf(const Deployment* deployment) const;
    const QList<Deployment*>& deployments() const { return m_deployments; }
    // For a view that watches every deployment while `context` lives: `added` for each one listed now
    // and each one appended later, `leaving` just before one is removed (it is still alive then).
    void follow(QObject* context, std::function<void(Deployment*)> added, std::function<void(Deployment*)> leaving);

private:
    void rowChanged(Deployment* deployment);

    QList<Deployment*> m_deployments;
};

} // namespace kiq::ui

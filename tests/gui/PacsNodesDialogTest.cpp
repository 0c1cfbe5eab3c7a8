// The PACS nodes dialog: the table the site's archives are configured in,
// saved to the nodes file vigie-cli reads.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "PacsNodesDialog.h"
#include "vigie/imaging/net/ArchiveClient.h"

using vigie::app::PacsNodesDialog;

namespace {

/// A new row for a DICOM node: name, AE title, host and port.
int addDimseRow(PacsNodesDialog& dialog, const QString& name, const QString& aeTitle,
                const QString& host, const QString& port) {
  const int row = dialog.addRow();
  dialog.setCell(row, PacsNodesDialog::Name, name);
  dialog.setCell(row, PacsNodesDialog::AeTitle, aeTitle);
  dialog.setCell(row, PacsNodesDialog::Host, host);
  dialog.setCell(row, PacsNodesDialog::Port, port);
  return row;
}

}  // namespace

class PacsNodesDialogTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void savesWhatTheTableSaysAndReadsItBack() {
    QTemporaryDir dir;
    const QString file = dir.filePath("config/nodes.json");
    {
      PacsNodesDialog dialog(file);
      QCOMPARE(dialog.rowCount(), 0);
      addDimseRow(dialog, "archive", "ORTHANC", "pacs.local", "4242");
      const int secure = addDimseRow(dialog, "secure", "PACS", "10.0.0.9", "2762");
      dialog.setCell(secure, PacsNodesDialog::TlsCa, "/etc/vigie/ca.pem");
      const int web = dialog.addRow();
      dialog.setCell(web, PacsNodesDialog::Name, "cloud");
      dialog.setCell(web, PacsNodesDialog::Url, "https://pacs.example.org/dicom-web");
      dialog.setCell(web, PacsNodesDialog::TokenFile, "/run/user/1000/pacs-token");
      QSignalSpy saved(&dialog, &PacsNodesDialog::saved);
      QVERIFY2(dialog.save(), qPrintable(dialog.status()));
      QCOMPARE(saved.count(), 1);
      dialog.show();
      QVERIFY(QTest::qWaitForWindowExposed(&dialog));
      if (const QByteArray out = qgetenv("VIGIE_TEST_ARTEFACTS"); !out.isEmpty())
        dialog.grab().save(QString::fromUtf8(out) + "/pacs-nodes-dialog.png");
    }
    auto nodes = vigie::imaging::readNodes(file.toStdString());
    QVERIFY2(nodes.ok(), nodes.ok() ? "" : nodes.error().message.c_str());
    QCOMPARE(nodes.value().size(), std::size_t{3});
    QCOMPARE(nodes.value()[0].node.describe(), std::string("ORTHANC@pacs.local:4242"));
    QVERIFY(nodes.value()[1].node.tls.enabled);
    QCOMPARE(nodes.value()[1].node.tls.trustedCertificates, std::string("/etc/vigie/ca.pem"));
    QCOMPARE(nodes.value()[2].url, std::string("https://pacs.example.org/dicom-web"));
    QCOMPARE(nodes.value()[2].tokenFile.string(), std::string("/run/user/1000/pacs-token"));

    // Opened again, the table shows the file; a row removed is gone once saved.
    PacsNodesDialog again(file);
    QCOMPARE(again.rowCount(), 3);
    again.removeRow(1);
    QVERIFY(again.save());
    QCOMPARE(vigie::imaging::readNodes(file.toStdString()).value().size(), std::size_t{2});
  }

  void aWrongRowIsNamedAndNothingIsWritten() {
    QTemporaryDir dir;
    const QString file = dir.filePath("nodes.json");
    PacsNodesDialog dialog(file);
    addDimseRow(dialog, "archive", "ORTHANC", "h", "4242");
    const int bad = dialog.addRow();
    dialog.setCell(bad, PacsNodesDialog::Name, "archive");
    QVERIFY(!dialog.save());
    QVERIFY2(dialog.status().contains("row 2") && dialog.status().contains("twice"),
             qPrintable(dialog.status()));
    dialog.setCell(bad, PacsNodesDialog::Name, "other");
    dialog.setCell(bad, PacsNodesDialog::AeTitle, "X");
    dialog.setCell(bad, PacsNodesDialog::Host, "h");
    dialog.setCell(bad, PacsNodesDialog::Port, "not a port");
    QVERIFY(!dialog.save());
    QVERIFY2(dialog.status().contains("row 2"), qPrintable(dialog.status()));
    dialog.setCell(bad, PacsNodesDialog::Port, "104");
    dialog.setCell(bad, PacsNodesDialog::TlsCertificate, "me.pem");
    QVERIFY(!dialog.save());
    QVERIFY2(dialog.status().contains("authorities"), qPrintable(dialog.status()));
    dialog.setCell(bad, PacsNodesDialog::TlsCertificate, "");
    dialog.setCell(bad, PacsNodesDialog::Url, "ftp://nowhere");
    QVERIFY(!dialog.save());
    QVERIFY(!QFile::exists(file));
  }

  void aBrokenFileIsShownNotOverwritten() {
    QTemporaryDir dir;
    const QString file = dir.filePath("nodes.json");
    {
      QFile broken(file);
      QVERIFY(broken.open(QIODevice::WriteOnly));
      broken.write("{\"nodes\": [{\"name\": 1}]}");
    }
    PacsNodesDialog dialog(file);
    QVERIFY2(dialog.status().contains("nodes[0]"), qPrintable(dialog.status()));
    QCOMPARE(dialog.rowCount(), 0);
    QFile kept(file);
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QVERIFY(kept.readAll().contains("\"name\": 1"));
  }

  void testingANodeThatIsDownSaysSo() {
    QTemporaryDir dir;
    PacsNodesDialog dialog(dir.filePath("nodes.json"));
    const int row = addDimseRow(dialog, "down", "NOBODY", "127.0.0.1", "9");  // nobody listens
    QSignalSpy tested(&dialog, &PacsNodesDialog::tested);
    dialog.test(row);
    QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 30000);
    QCOMPARE(tested.at(0).at(0).toBool(), false);
    QVERIFY2(dialog.status().contains("NOBODY@127.0.0.1:9"), qPrintable(dialog.status()));
  }
};

QTEST_MAIN(PacsNodesDialogTest)
#include "PacsNodesDialogTest.moc"

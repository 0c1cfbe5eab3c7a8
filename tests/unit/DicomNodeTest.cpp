// The parts of the PACS client that need no network: the node's form, and the
// requests refused before any connection (a real PACS: tests/integration/pacs_test.py).
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "../../imaging/src/net/CacheFolder.h"
#include "TestFolder.h"
#include "vigie/imaging/net/DicomWebClient.h"
#include "vigie/imaging/net/PacsClient.h"

using namespace vigie;

TEST(DicomNode, ParsesAeTitleHostAndPort) {
  auto node = imaging::DicomNode::parse("ORTHANC@pacs.example.org:4242");
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_EQ(node.value().aeTitle, "ORTHANC");
  EXPECT_EQ(node.value().host, "pacs.example.org");
  EXPECT_EQ(node.value().port, 4242);
  EXPECT_EQ(node.value().describe(), "ORTHANC@pacs.example.org:4242");
}

TEST(DicomNode, RefusesMalformedNodesSayingWhy) {
  for (const char* text :
       {"ORTHANC", "ORTHANC@host", "@host:104", "A@:104", "A@host:0", "A@host:65536", "A@host:12x",
        "SEVENTEEN_LETTERS@host:104", "BACK\\SLASH@host:104"}) {
    auto node = imaging::DicomNode::parse(text);
    ASSERT_FALSE(node.ok()) << text;
    EXPECT_NE(node.error().message.find(text), std::string::npos) << node.error().message;
  }
}

TEST(PacsClient, RefusesRequestsItCannotMakeBeforeConnecting) {
  // Port 9 (discard) on loopback: nothing must even be tried.
  const imaging::PacsClient client(imaging::DicomNode::parse("PACS@127.0.0.1:9").value());
  imaging::PacsQuery series;
  series.level = imaging::QueryLevel::Series;
  auto found = client.find(series);
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.error().message.find("Study Instance UID"), std::string::npos);
  auto got = client.get("1.2.3/../../etc", std::nullopt, "/tmp/vigie-never-created");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("not a DICOM UID"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists("/tmp/vigie-never-created"));
}

TEST(CacheFolder, NamesFilesFromUidsOnlyAndNeverWritesOver) {
  vigie::test::TestFolder dir("cache-folder");
  imaging::internal::CacheFolder cache(dir.path());
  const auto plain = cache.place("1.2.3", "1.2.3.4", "1.2.3.4.5");
  EXPECT_EQ(plain, dir.path() / "1.2.3" / "1.2.3.4" / "1.2.3.4.5.dcm");
  // Whatever an incoming object calls itself, its file stays inside the folder.
  const auto hostile = cache.place("../../etc", "/tmp/x", "..");
  EXPECT_EQ(std::filesystem::weakly_canonical(hostile).string().rfind(dir.path().string(), 0), 0u)
      << hostile;
  EXPECT_EQ(hostile.filename().string().rfind("uid-", 0), 0u);
  auto write = [](const std::filesystem::path& file, const char* bytes) {
    std::ofstream(file, std::ios::binary) << bytes;
  };
  write(plain, "first");
  const auto same = cache.place("1.2.3", "1.2.3.4", "1.2.3.4.5");
  const auto other = cache.place("1.2.3", "1.2.3.4", "1.2.3.4.5");
  EXPECT_NE(same, plain);
  EXPECT_NE(other, same);
  write(same, "first");    // the same object sent again
  write(other, "second");  // another object under the same UID
  const auto problems = cache.settle();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems.front().find(other.string()), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(same));
  EXPECT_TRUE(std::filesystem::exists(other));
  std::ifstream kept(plain);
  std::string text;
  kept >> text;
  EXPECT_EQ(text, "first");
}

namespace {

/// A small CT image object with these UIDs, 64x64 pixels, written as a file.
void writeObject(const std::filesystem::path& file, const char* study, const char* series,
                 const char* sop) {
  DcmFileFormat format;
  DcmDataset* data = format.getDataset();
  data->putAndInsertString(DCM_SOPClassUID, UID_CTImageStorage);
  data->putAndInsertString(DCM_SOPInstanceUID, sop);
  data->putAndInsertString(DCM_StudyInstanceUID, study);
  data->putAndInsertString(DCM_SeriesInstanceUID, series);
  data->putAndInsertUint16(DCM_Rows, 64);
  data->putAndInsertUint16(DCM_Columns, 64);
  data->putAndInsertUint16(DCM_BitsAllocated, 16);
  const std::vector<Uint16> pixels(64 * 64, 100);
  data->putAndInsertUint16Array(DCM_PixelData, pixels.data(), pixels.size());
  std::filesystem::create_directories(file.parent_path());
  ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good()) << file;
}

}  // namespace

TEST(CacheFolder, HoldsOnlyTheWholeObjectsOfTheStudyAsked) {
  vigie::test::TestFolder dir("cache-held");
  const auto series = dir.path() / "1.2.3" / "1.2.3.4";
  writeObject(series / "1.2.3.4.1.dcm", "1.2.3", "1.2.3.4", "1.2.3.4.1");
  writeObject(series / "1.2.3.4.2.dcm", "1.2.3", "1.2.3.4", "1.2.3.4.2");
  writeObject(dir.path() / "1.2.3" / "1.2.3.5" / "1.2.3.5.1.dcm", "1.2.3", "1.2.3.5", "1.2.3.5.1");
  // Cut off (a crash while it was written), and a name reserved but never written.
  const auto cut = series / "1.2.3.4.2.dcm";
  std::filesystem::resize_file(cut, std::filesystem::file_size(cut) / 2);
  std::ofstream(series / "1.2.3.4.3.dcm");
  // Another study's object, misfiled under this study's folder: not this study's.
  writeObject(series / "9.9.dcm", "9.8.7", "1.2.3.4", "9.9");

  imaging::internal::CacheFolder cache(dir.path());
  const auto held = cache.heldInstances("1.2.3");
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held.at("1.2.3.4.1"), series / "1.2.3.4.1.dcm");
  EXPECT_TRUE(held.count("1.2.3.5.1"));
  const auto ofSeries = cache.heldInstances("1.2.3", "1.2.3.5");
  ASSERT_EQ(ofSeries.size(), 1u);
  EXPECT_TRUE(ofSeries.count("1.2.3.5.1"));
  EXPECT_TRUE(cache.heldInstances("4.5.6").empty());  // nothing of a study never retrieved
}

TEST(CacheFolder, AnObjectFetchedAgainTakesThePlaceOfTheFileACrashCutOff) {
  vigie::test::TestFolder dir("cache-mended");
  const auto cut = dir.path() / "1.2.3" / "1.2.3.4" / "1.2.3.4.1.dcm";
  writeObject(cut, "1.2.3", "1.2.3.4", "1.2.3.4.1");
  std::filesystem::resize_file(cut, std::filesystem::file_size(cut) / 2);
  imaging::internal::CacheFolder cache(dir.path());
  ASSERT_TRUE(cache.heldInstances("1.2.3").empty());  // not held: to be fetched again
  const auto again = cache.place("1.2.3", "1.2.3.4", "1.2.3.4.1");
  ASSERT_NE(again, cut);  // never written over while it comes
  writeObject(again, "1.2.3", "1.2.3.4", "1.2.3.4.1");
  EXPECT_TRUE(cache.settle().empty());
  EXPECT_FALSE(std::filesystem::exists(again));
  EXPECT_EQ(cache.received(), std::vector<std::filesystem::path>{cut});
  const auto held = cache.heldInstances("1.2.3");
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held.at("1.2.3.4.1"), cut);
}

TEST(DicomNode, ResolvesNamesFromTheNodesFileAndNamesItsMistakes) {
  vigie::test::TestFolder dir("nodes-file");
  const auto file = dir / "nodes.json";
  std::ofstream(file) << R"({"nodes": [{"name": "pacs", "aet": "ORTHANC", "host": "10.0.0.5",
                                        "port": 4242}]})";
  auto named = imaging::resolveNode("pacs", file);
  ASSERT_TRUE(named.ok()) << named.error().message;
  EXPECT_EQ(named.value().describe(), "ORTHANC@10.0.0.5:4242");
  auto direct = imaging::resolveNode("A@h:104", file);
  ASSERT_TRUE(direct.ok());
  auto unknown = imaging::resolveNode("archive", file);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find(file.string()), std::string::npos);

  std::ofstream(file) << R"({"nodes": [{"name": "pacs", "aet": "ORTHANC", "host": "x"}]})";
  auto broken = imaging::readNodes(file);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("nodes[0]"), std::string::npos);
  auto none = imaging::readNodes(dir / "absent.json");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().empty());
}

TEST(DicomNode, ADicomWebServiceIsNamedByItsUrlOrInTheNodesFile) {
  vigie::test::TestFolder dir("web-nodes");
  const auto file = dir / "nodes.json";
  std::ofstream(file)
      << R"({"nodes": [{"name": "cloud", "url": "https://a:b@pacs.example/dicom-web/"},
                                        {"name": "pacs", "aet": "ORTHANC", "host": "h", "port": 4242}]})";
  auto nodes = imaging::readNodes(file);
  ASSERT_TRUE(nodes.ok()) << nodes.error().message;
  ASSERT_EQ(nodes.value().size(), 2u);
  EXPECT_EQ(nodes.value()[0].url, "https://a:b@pacs.example/dicom-web/");
  EXPECT_TRUE(nodes.value()[1].url.empty());

  imaging::AssociationSettings settings;
  auto byName = imaging::openArchive("cloud", settings, file);
  ASSERT_TRUE(byName.ok()) << byName.error().message;
  // The password never shows in what Vigie prints or logs; the trailing / goes.
  EXPECT_EQ(byName.value()->describe(), "https://pacs.example/dicom-web");
  auto dimse = imaging::openArchive("pacs", settings, file);
  ASSERT_TRUE(dimse.ok());
  EXPECT_EQ(dimse.value()->describe(), "ORTHANC@h:4242");
  auto direct = imaging::openArchive("http://127.0.0.1:8042/dicom-web", settings, file);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(direct.value()->describe(), "http://127.0.0.1:8042/dicom-web");

  // Where only DIMSE will do (C-MOVE, the listener), a DICOMweb name is refused, saying why.
  auto asDimse = imaging::resolveNode("cloud", file);
  ASSERT_FALSE(asDimse.ok());
  EXPECT_NE(asDimse.error().message.find("DICOMweb"), std::string::npos);

  for (const std::string bad : {"https://", "http://host name/x", "ftp://host/dicom-web"}) {
    auto parsed = imaging::DicomWebNode::parse(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
  }
}

TEST(DicomNode, ADicomWebRequestRefusesAnythingButAUidInItsPath) {
  imaging::DicomWebClient client(
      imaging::DicomWebNode::parse("http://127.0.0.1:9/dicom-web").value());
  vigie::test::TestFolder dir("web-get");
  for (const std::string uid : {"../../etc", "1.2/3", "1.2.3?x=1"}) {
    auto got = client.get(uid, std::nullopt, dir.path());
    ASSERT_FALSE(got.ok()) << uid;
    EXPECT_NE(got.error().message.find("not a DICOM UID"), std::string::npos) << uid;
  }
  imaging::PacsQuery query;
  query.level = imaging::QueryLevel::Series;
  auto found = client.find(query);
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.error().message.find("Study Instance UID"), std::string::npos);
}

TEST(DicomNode, TlsInTheNodesFileNamesItsFilesBesideTheFile) {
  vigie::test::TestFolder dir("tls-nodes");
  const auto file = dir / "nodes.json";
  std::ofstream(file) << R"({"nodes": [{"name": "secure", "aet": "PACS", "host": "h", "port": 2762,
      "tls": {"ca": "certs/ca.pem", "certificate": "/etc/vigie/me.pem", "key": "me.key"}}]})";
  auto node = imaging::resolveNode("secure", file);
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_TRUE(node.value().tls.enabled);
  EXPECT_EQ(node.value().tls.trustedCertificates, (dir / "certs/ca.pem").string());
  EXPECT_EQ(node.value().tls.certificate, "/etc/vigie/me.pem");
  EXPECT_EQ(node.value().tls.privateKey, (dir / "me.key").string());
  EXPECT_EQ(node.value().describe(), "PACS@h:2762 (TLS)");

  for (const char* tls : {R"({"certificate": "a.pem", "key": "a.key"})",  // no authority
                          R"({"ca": "ca.pem", "certificate": "a.pem"})",  // a certificate, no key
                          R"("yes")"}) {
    std::ofstream(file) << R"({"nodes": [{"name": "s", "aet": "P", "host": "h", "port": 1, "tls": )"
                        << tls << "}]}";
    auto broken = imaging::readNodes(file);
    ASSERT_FALSE(broken.ok()) << tls;
    EXPECT_NE(broken.error().message.find("nodes[0]: tls needs ca"), std::string::npos)
        << broken.error().message;
  }
}

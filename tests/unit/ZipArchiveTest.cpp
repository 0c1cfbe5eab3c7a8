#include <gtest/gtest.h>

#include <fstream>

#include "TestFolder.h"
#include "ZipWriter.h"
#include "vigie/core/ZipArchive.h"

namespace vigie::core {
namespace {

std::string readFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ZipArchive, ListsReadsAndExtractsStoredAndDeflatedMembers) {
  test::TestFolder dir("zip-ok");
  const std::string big(300'000, 'v');  // more than one read chunk
  test::writeZip(dir / "a.zip", {{"study/one.txt", "first", false},
                                 {"study/deep/two.bin", big, true},
                                 {"empty.txt", "", true}});
  auto zip = ZipArchive::open(dir / "a.zip");
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  ASSERT_EQ(zip.value().entries().size(), 3u);
  EXPECT_EQ(zip.value().entries()[1].name, "study/deep/two.bin");
  EXPECT_EQ(zip.value().entries()[1].size, big.size());
  EXPECT_LT(zip.value().entries()[1].compressedSize, big.size());

  auto two = zip.value().read("study/deep/two.bin", 1 << 20);
  ASSERT_TRUE(two.ok()) << two.error().message;
  EXPECT_EQ(two.value(), big);
  EXPECT_FALSE(zip.value().read("study/deep/two.bin", 1000).ok());  // over the caller's bound
  EXPECT_EQ(zip.value().read("nope", 10).error().code, ErrorCode::NotFound);

  auto extracted = extractArchive(dir / "a.zip");
  ASSERT_TRUE(extracted.ok()) << extracted.error().message;
  EXPECT_EQ(extracted.value().files, 3u);
  const auto root = extracted.value().folder->path();
  EXPECT_EQ(readFile(root / "study/one.txt"), "first");
  EXPECT_EQ(readFile(root / "study/deep/two.bin"), big);
  EXPECT_EQ(extracted.value().displayName(root / "study/one.txt"),
            (dir / "a.zip").string() + "!study/one.txt");
  EXPECT_EQ(std::filesystem::status(root).permissions() & std::filesystem::perms::others_all,
            std::filesystem::perms::none);

  // The scratch folder goes with its last owner.
  auto folder = extracted.value().folder;
  extracted = makeError(ErrorCode::Internal, "released");
  EXPECT_TRUE(std::filesystem::exists(root));
  folder.reset();
  EXPECT_FALSE(std::filesystem::exists(root));
}

TEST(ZipArchive, RefusesMembersThatWouldLandOutsideTheFolder) {
  test::TestFolder dir("zip-slip");
  for (const std::string name : {"../evil.txt", "ok/../../evil.txt", "/etc/evil.txt", "C:\\evil"}) {
    test::writeZip(dir / "slip.zip", {{"fine.txt", "x"}, {name, "gotcha"}});
    auto extracted = extractArchive(dir / "slip.zip");
    ASSERT_FALSE(extracted.ok()) << name;
    EXPECT_TRUE(contains(extracted.error().message, "leaves the archive's folder")) << name;
    EXPECT_TRUE(contains(extracted.error().message, "slip.zip")) << name;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path().parent_path() / "evil.txt"));
}

TEST(ZipArchive, RefusesDamagedAndOversizedArchivesWithTheReason) {
  test::TestFolder dir("zip-bad");
  std::ofstream(dir / "not.zip") << "PK\x03\x04 but nothing else";
  auto notZip = ZipArchive::open(dir / "not.zip");
  ASSERT_FALSE(notZip.ok());
  EXPECT_TRUE(contains(notZip.error().message, "not.zip: not a zip archive"));
  EXPECT_EQ(ZipArchive::open(dir / "missing.zip").error().code, ErrorCode::NotFound);

  test::writeZip(dir / "crc.zip", {{"a.txt", "hello world", false, std::nullopt, 1234u}});
  auto crc = ZipArchive::open(dir / "crc.zip");
  ASSERT_TRUE(crc.ok());
  auto crcRead = crc.value().read("a.txt", 100);
  ASSERT_FALSE(crcRead.ok());
  EXPECT_TRUE(contains(crcRead.error().message, "crc.zip!a.txt: CRC mismatch"));

  // A directory that declares fewer bytes than the member holds: the reader
  // must stop at the declared size rather than trust the stream.
  test::writeZip(dir / "short.zip", {{"a.txt", "hello world", false, 5u}});
  auto liar = ZipArchive::open(dir / "short.zip");
  ASSERT_TRUE(liar.ok());
  auto liarRead = liar.value().read("a.txt", 100);
  ASSERT_FALSE(liarRead.ok());
  EXPECT_TRUE(contains(liarRead.error().message, "short.zip!a.txt")) << liarRead.error().message;

  test::writeZip(dir / "bomb.zip", {{"zeros.bin", std::string(1 << 20, '\0')}});
  ZipLimits small;
  small.maxTotalBytes = 1000;
  auto bomb = extractArchive(dir / "bomb.zip", small);
  ASSERT_FALSE(bomb.ok());
  EXPECT_TRUE(contains(bomb.error().message, "bomb.zip: expands to 1048576 bytes, over the limit"));

  EXPECT_TRUE(ZipArchive::looksLikeZip(dir / "bomb.zip"));
  EXPECT_FALSE(ZipArchive::looksLikeZip(dir / "nothing-here"));
}

}  // namespace
}  // namespace vigie::core

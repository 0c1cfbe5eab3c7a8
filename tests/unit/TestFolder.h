#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace vigie::test {

/// A fresh folder under the system temp directory, removed with its contents
/// when the object goes out of scope.
class TestFolder {
 public:
  explicit TestFolder(const std::string& name) {
    std::random_device entropy;
    path_ = std::filesystem::temp_directory_path() /
            ("vigie-test-" + name + "-" + std::to_string(entropy()));
    std::filesystem::create_directories(path_);
  }
  ~TestFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TestFolder(const TestFolder&) = delete;
  TestFolder& operator=(const TestFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& child) const { return path_ / child; }

 private:
  std::filesystem::path path_;
};

}  // namespace vigie::test

#include "Jpeg2000.h"

// By its full path: ITK ships a renamed copy of OpenJPEG under the same name.
#include <openjpeg-2.5/openjpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace vigie::imaging::internal {
namespace {

/// OpenJPEG reads from a stream; this one is a buffer in memory.
struct MemoryStream {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  std::size_t offset = 0;
};

OPJ_SIZE_T readBytes(void* buffer, OPJ_SIZE_T count, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (s->offset >= s->size) return static_cast<OPJ_SIZE_T>(-1);  // end of stream
  const std::size_t n = std::min<std::size_t>(count, s->size - s->offset);
  std::memcpy(buffer, s->data + s->offset, n);
  s->offset += n;
  return n;
}

OPJ_OFF_T skipBytes(OPJ_OFF_T count, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  const auto target = std::clamp<OPJ_OFF_T>(static_cast<OPJ_OFF_T>(s->offset) + count, 0,
                                            static_cast<OPJ_OFF_T>(s->size));
  const OPJ_OFF_T skipped = target - static_cast<OPJ_OFF_T>(s->offset);
  s->offset = static_cast<std::size_t>(target);
  return skipped;
}

OPJ_BOOL seekTo(OPJ_OFF_T position, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (position < 0 || static_cast<std::size_t>(position) > s->size) return OPJ_FALSE;
  s->offset = static_cast<std::size_t>(position);
  return OPJ_TRUE;
}

struct CodecDeleter {
  void operator()(opj_codec_t* c) const { opj_destroy_codec(c); }
};
struct StreamDeleter {
  void operator()(opj_stream_t* s) const { opj_stream_destroy(s); }
};
struct ImageDeleter {
  void operator()(opj_image_t* i) const { opj_image_destroy(i); }
};

}  // namespace

bool isJpeg2000Syntax(const std::string& uid) {
  return uid == "1.2.840.10008.1.2.4.90" || uid == "1.2.840.10008.1.2.4.91" ||
         uid == "1.2.840.10008.1.2.4.201" || uid == "1.2.840.10008.1.2.4.202" ||
         uid == "1.2.840.10008.1.2.4.203";
}

core::Result<Jpeg2000Frame> decodeJpeg2000(const std::uint8_t* data, std::size_t size,
                                           int bytesPerSample, const Jpeg2000Expectation& expected,
                                           const std::string& where) {
  if (!data || size < 12)
    return core::makeError(core::ErrorCode::ParseError, where + ": empty JPEG 2000 frame");
  // A raw codestream starts with SOC (FF 4F); a JP2 file with its signature box.
  const bool jp2 = std::memcmp(data + 4, "jP  ", 4) == 0;
  std::unique_ptr<opj_codec_t, CodecDeleter> codec(
      opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
  opj_dparameters_t parameters;
  opj_set_default_decoder_parameters(&parameters);
  if (!codec || !opj_setup_decoder(codec.get(), &parameters))
    return core::makeError(core::ErrorCode::Internal, where + ": OpenJPEG set-up failed");
  MemoryStream memory{data, size, 0};
  std::unique_ptr<opj_stream_t, StreamDeleter> stream(opj_stream_create(64 * 1024, OPJ_TRUE));
  opj_stream_set_user_data(stream.get(), &memory, nullptr);
  opj_stream_set_user_data_length(stream.get(), size);
  opj_stream_set_read_function(stream.get(), readBytes);
  opj_stream_set_skip_function(stream.get(), skipBytes);
  opj_stream_set_seek_function(stream.get(), seekTo);
  opj_image_t* raw = nullptr;
  if (!opj_read_header(stream.get(), codec.get(), &raw))
    return core::makeError(core::ErrorCode::ParseError, where + ": bad JPEG 2000 header");
  std::unique_ptr<opj_image_t, ImageDeleter> image(raw);
  const auto width = static_cast<long long>(image->x1) - image->x0;
  const auto height = static_cast<long long>(image->y1) - image->y0;
  if (width != expected.width || height != expected.height ||
      static_cast<int>(image->numcomps) != expected.components) {
    return core::makeError(
        core::ErrorCode::ParseError,
        where + ": the JPEG 2000 codestream is " + std::to_string(width) + " x " +
            std::to_string(height) + " x " + std::to_string(image->numcomps) +
            " but Columns x Rows x Samples per Pixel say " + std::to_string(expected.width) +
            " x " + std::to_string(expected.height) + " x " + std::to_string(expected.components) +
            "; not decoded");
  }
  for (OPJ_UINT32 c = 0; c < image->numcomps; ++c) {
    // Subsampled components would be smaller, never larger, than the image.
    if (image->comps[c].dx == 0 || image->comps[c].dy == 0)
      return core::makeError(core::ErrorCode::ParseError,
                             where + ": JPEG 2000 component with a zero sampling step");
  }
  if (!opj_decode(codec.get(), stream.get(), image.get()) ||
      !opj_end_decompress(codec.get(), stream.get()))
    return core::makeError(core::ErrorCode::ParseError, where + ": JPEG 2000 decoding failed");
  if (image->numcomps == 0)
    return core::makeError(core::ErrorCode::ParseError,
                           where + ": JPEG 2000 frame has no components");
  Jpeg2000Frame frame;
  frame.components = static_cast<int>(image->numcomps);
  frame.width = static_cast<int>(image->comps[0].w);
  frame.height = static_cast<int>(image->comps[0].h);
  for (OPJ_UINT32 c = 1; c < image->numcomps; ++c) {
    if (image->comps[c].w != image->comps[0].w || image->comps[c].h != image->comps[0].h)
      return core::makeError(core::ErrorCode::Unsupported,
                             where + ": JPEG 2000 components of different sizes");
  }
  const std::size_t pixels = static_cast<std::size_t>(frame.width) * frame.height;
  frame.bytes.resize(pixels * frame.components * bytesPerSample);
  for (std::size_t p = 0; p < pixels; ++p) {
    for (int c = 0; c < frame.components; ++c) {
      const OPJ_INT32 value = image->comps[c].data[p];
      std::uint8_t* out = frame.bytes.data() + (p * frame.components + c) * bytesPerSample;
      const auto bits = static_cast<std::uint32_t>(value);
      for (int b = 0; b < bytesPerSample; ++b) out[b] = static_cast<std::uint8_t>(bits >> (8 * b));
    }
  }
  return frame;
}

}  // namespace vigie::imaging::internal

#pragma once

// Internal: the TLS layer (DCMTK's dcmtls) that Vigie's associations run
// over, as a client (PacsClient) or as a server (StorageListener): BCP 195
// profile, the peer's certificate required and checked against the trusted
// authorities, Vigie's own certificate offered.

#include <dcmtk/dcmtls/tlslayer.h>

#include <memory>
#include <string>

#include "vigie/core/Result.h"
#include "vigie/imaging/net/ArchiveClient.h"

namespace vigie::imaging::internal {

/// A TLS layer for `tls`, as the requestor (a client: a certificate of its
/// own is optional) or the acceptor (a server: it must have one). Errors
/// start with `where` and say which file is wrong.
inline core::Result<std::unique_ptr<DcmTLSTransportLayer>> makeTlsLayer(const TlsSettings& tls,
                                                                        bool acceptor,
                                                                        const std::string& where) {
  auto problem = [&](const std::string& what) {
    return core::makeError(core::ErrorCode::InvalidArgument, where + ": TLS: " + what);
  };
  auto layer = std::make_unique<DcmTLSTransportLayer>(acceptor ? NET_ACCEPTOR : NET_REQUESTOR,
                                                      nullptr, OFTrue);
  if (tls.trustedCertificates.empty()) return problem("no trusted authorities given");
  if (acceptor && tls.certificate.empty())
    return problem("a listener needs a certificate and its key (--tls-cert, --tls-key)");
  if (layer->addTrustedCertificateFile(tls.trustedCertificates.c_str(), DCF_Filetype_PEM).bad())
    return problem(tls.trustedCertificates + ": not a readable PEM certificate file");
  if (!tls.certificate.empty()) {
    if (layer->setPrivateKeyFile(tls.privateKey.c_str(), DCF_Filetype_PEM).bad())
      return problem(tls.privateKey + ": not a readable PEM private key");
    if (layer->setCertificateFile(tls.certificate.c_str(), DCF_Filetype_PEM).bad())
      return problem(tls.certificate + ": not a readable PEM certificate");
    if (!layer->checkPrivateKeyMatchesCertificate())
      return problem(tls.privateKey + " is not the key of " + tls.certificate);
  }
  if (layer->setTLSProfile(TSP_Profile_BCP195).bad() || layer->activateCipherSuites().bad())
    return problem("the BCP 195 cipher suites are not available");
  layer->setCertificateVerification(DCV_requireCertificate);
  return layer;
}

}  // namespace vigie::imaging::internal

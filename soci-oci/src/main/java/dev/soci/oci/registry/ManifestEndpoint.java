package dev.soci.oci.registry;

import static dev.soci.oci.registry.RegistryClient.MAX_MANIFEST_SIZE;
import static dev.soci.oci.registry.RegistryTransport.DELETE;
import static dev.soci.oci.registry.RegistryTransport.PULL;
import static dev.soci.oci.registry.RegistryTransport.PUSH;
import static dev.soci.oci.registry.Responses.checkStatus;
import static dev.soci.oci.registry.Responses.contentLength;
import static dev.soci.oci.registry.Responses.readBounded;

import dev.soci.oci.registry.RegistryClient.Manifest;
import dev.soci.oci.registry.RegistryClient.PutResult;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.InvalidDigestException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * The {@code /v2/<name>/manifests/<reference>} operations: GET, HEAD, PUT and DELETE of
 * manifests and indexes, bounded at {@link RegistryClient#MAX_MANIFEST_SIZE} and checked
 * against the digest they were asked by.
 */
final class ManifestEndpoint {
  /** Every manifest type this library reads, for {@code Accept}. */
  static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST,
      MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);

  private final RegistryTransport t;

  ManifestEndpoint(RegistryTransport t) {
    this.t = t;
  }

  /** See {@link RegistryClient#getManifest(String, String)}. */
  Optional<Manifest> getManifest(String repository, String reference) throws IOException {
    String what = "GET " + t.registry() + "/" + repository + " manifests/" + reference;
    HttpResponse<InputStream> r = t.send(repository, PULL, true, () -> t.request(repository,
        "manifests/" + reference).header("Accept", MANIFEST_ACCEPT).GET(), what);
    try (InputStream body = r.body()) {
      if (r.statusCode() == 404) {
        return Optional.empty();
      }
      checkStatus(r, body, what, 200);
      long declared = contentLength(r);
      if (declared > MAX_MANIFEST_SIZE) {
        throw new OciException("manifest " + reference + " of " + t.registry() + "/" + repository
            + " is " + declared + " bytes, more than the bound of " + MAX_MANIFEST_SIZE);
      }
      byte[] bytes = readBounded(body, MAX_MANIFEST_SIZE, "manifest " + reference);
      Digest digest = Digest.of(bytes);
      Optional<Digest> asked = asDigest(reference);
      if (asked.isPresent() && !asked.get().equals(digest)) {
        throw new OciException("manifest " + reference + " of " + t.registry() + "/" + repository
            + " has digest " + digest + ": the registry sent other content");
      }
      String type = r.headers().firstValue("Content-Type").map(Responses::mediaType)
          .orElse("");
      return Optional.of(new Manifest(bytes, type, digest));
    }
  }

  /** See {@link RegistryClient#headManifest(String, String)}. */
  Optional<Descriptor> headManifest(String repository, String reference) throws IOException {
    String what = "HEAD " + t.registry() + "/" + repository + " manifests/" + reference;
    HttpResponse<InputStream> r = t.send(repository, PULL, true, () -> t.request(repository,
        "manifests/" + reference).header("Accept", MANIFEST_ACCEPT)
        .method("HEAD", HttpRequest.BodyPublishers.noBody()), what);
    try (InputStream body = r.body()) {
      if (r.statusCode() == 404) {
        return Optional.empty();
      }
      checkStatus(r, body, what, 200);
      String digest = r.headers().firstValue("Docker-Content-Digest")
          .orElseThrow(() -> new OciException(what + ": no Docker-Content-Digest header"));
      long size = contentLength(r);
      if (size < 0) {
        throw new OciException(what + ": no valid Content-Length header");
      }
      if (size > MAX_MANIFEST_SIZE) {
        throw new OciException(what + ": Content-Length " + size + " is not a manifest's size");
      }
      String type = r.headers().firstValue("Content-Type").map(Responses::mediaType).orElse("");
      Digest d = Digest.parse(digest);
      Optional<Digest> asked = asDigest(reference);
      if (asked.isPresent() && !asked.get().equals(d)) {
        throw new OciException(what + ": the registry names digest " + d);
      }
      return Optional.of(Descriptor.of(type, d, size));
    }
  }

  /** See {@link RegistryClient#putManifest(String, String, String, byte[])}. */
  PutResult putManifest(String repository, String reference, String mediaType, byte[] bytes)
      throws IOException {
    if (bytes.length > MAX_MANIFEST_SIZE) {
      throw new OciException("manifest of " + bytes.length + " bytes is larger than the bound of "
          + MAX_MANIFEST_SIZE + " registries and readers keep");
    }
    String what = "PUT " + t.registry() + "/" + repository + " manifests/" + reference;
    HttpResponse<InputStream> r = t.send(repository, PUSH, false, () -> t.request(repository,
        "manifests/" + reference).header("Content-Type", mediaType)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), what);
    try (InputStream body = r.body()) {
      checkStatus(r, body, what, 201);
    }
    return new PutResult(Digest.of(bytes), r.headers().firstValue("OCI-Subject").isPresent());
  }

  /** See {@link RegistryClient#deleteManifest(String, Digest)}. */
  boolean deleteManifest(String repository, Digest digest) throws IOException {
    String what = "DELETE " + t.registry() + "/" + repository + " manifests/" + digest;
    HttpResponse<InputStream> r = t.send(repository, DELETE, true, () -> t.request(repository,
        "manifests/" + digest).DELETE(), what);
    try (InputStream body = r.body()) {
      if (r.statusCode() == 405 || r.statusCode() == 404 || r.statusCode() == 401
          || r.statusCode() == 403) {
        return false; // deletes disabled, not permitted, or nothing there
      }
      checkStatus(r, body, what, 202);
      return true;
    }
  }

  private static Optional<Digest> asDigest(String reference) {
    if (!reference.contains(":")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Digest.parse(reference));
    } catch (InvalidDigestException e) {
      return Optional.empty();
    }
  }
}

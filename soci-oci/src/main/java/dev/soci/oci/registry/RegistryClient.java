package dev.soci.oci.registry;

import dev.soci.core.RangeSource;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.OciException;
import dev.soci.oci.registry.DockerConfig.Credential;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A client of one registry's OCI distribution API, on the JDK's {@code java.net.http}.
 *
 * <p>Authentication follows the registry's {@code WWW-Authenticate} challenge: anonymous first;
 * on 401 a {@code Basic} challenge is answered with the credential, a {@code Bearer} one with a
 * token from its realm (for the challenge's service and scope, with the credential when there
 * is one; an identity token is exchanged by an OAuth2 refresh-token grant, {@code POST} to the
 * realm with {@code client_id=soci-java}), cached per scope; the request is retried once. Manifests are requested with every
 * manifest and index type in {@code Accept} (registries answer 404, or another manifest, to a
 * narrower one), bounded at {@link #MAX_MANIFEST_SIZE} and checked against the digest they were
 * asked by; blobs are streamed and verified against their descriptor. Redirects are followed
 * for blob reads without forwarding {@code Authorization} to another host. Idempotent requests
 * are retried on 429, 502, 503, 504 and dropped connections, with backoff. The timeout bounds
 * connecting, the wait for each response, and each read of a body (a server that stalls
 * mid-body fails the read with {@link java.net.http.HttpTimeoutException}, see {@link TimedBody}).
 * Blobs larger than the {@linkplain Builder#chunkSize(int) chunk size} are uploaded in chunks,
 * each resent on failure ({@link #pushBlob(String, Descriptor, InputStream)}). Requests go
 * through the proxy the environment names, as Go's {@code ProxyFromEnvironment} picks it
 * ({@link Builder#environment(Map)}); TLS trusts the JDK's CAs, plus those of {@link
 * Builder#caCertificates(Path)}, or nothing is verified ({@link Builder#insecure(boolean)}).
 *
 * <p>Thread-safe; one instance per registry host serves every repository there.
 */
public final class RegistryClient {
  /** Manifests and indexes larger than this are refused (containerd's bound). */
  public static final int MAX_MANIFEST_SIZE = 4 << 20;

  /** Chunk size of streamed blob uploads unless {@link Builder#chunkSize(int)} says otherwise. */
  public static final int DEFAULT_CHUNK_SIZE = 16 << 20;
  /** The smallest chunk size {@link Builder#chunkSize(int)} takes. */
  public static final int MIN_CHUNK_SIZE = 64 << 10;
  /** The largest chunk size {@link Builder#chunkSize(int)} takes (each is held in memory). */
  public static final int MAX_CHUNK_SIZE = 256 << 20;

  private final RegistryTransport transport;
  private final ManifestEndpoint manifests;
  private final ReferrersEndpoint referrers;
  private final BlobEndpoint blobs;
  private final BlobUploads uploads;

  private RegistryClient(Builder b) {
    this.transport = new RegistryTransport(b.registry, b.plainHttp, b.timeout, b.environment,
        b.sslContext, b.insecure, b.credential);
    this.manifests = new ManifestEndpoint(transport);
    this.referrers = new ReferrersEndpoint(transport, manifests);
    this.blobs = new BlobEndpoint(transport);
    this.uploads = new BlobUploads(transport, blobs, b.chunkSize);
  }

  /**
   * A builder for a client of {@code registry} (a host with optional port).
   *
   * @param registry the registry's host, with an optional {@code :port} ({@code 127.0.0.1:5000})
   * @return a builder with the defaults: TLS, anonymous, a 60 s timeout
   */
  public static Builder builder(String registry) {
    return new Builder(registry);
  }

  /**
   * The registry host this client talks to.
   *
   * @return the host, with its port when one was given, as passed to {@link #builder}
   */
  public String registry() {
    return transport.registry();
  }

  // ------------------------------------------------------------------ manifests

  /**
   * A manifest or index as the registry holds it.
   *
   * @param bytes the document, exactly as the registry sent it (not copied)
   * @param mediaType the media type of the response's {@code Content-Type}, empty when none
   * @param digest the sha256 digest of {@code bytes}
   */
  public record Manifest(byte[] bytes, String mediaType, Digest digest) {
    /**
     * Its descriptor.
     *
     * @return a descriptor with this media type, digest and the length of the bytes
     */
    public Descriptor descriptor() {
      return Descriptor.of(mediaType, digest, bytes.length);
    }
  }

  /**
   * The manifest {@code reference} (a tag or a digest) of {@code repository}, or empty when the
   * registry has none (404).
   *
   * @param repository the repository's name ({@code library/alpine})
   * @param reference a tag, or a digest ({@code sha256:...})
   * @return the manifest's bytes, media type and digest, or empty on 404
   * @throws RegistryException for other error statuses
   * @throws OciException if it is larger than {@link #MAX_MANIFEST_SIZE} or does not match the
   *     digest it was asked by
   * @throws IOException when the request fails (network, timeout, proxy or TLS)
   */
  public Optional<Manifest> getManifest(String repository, String reference) throws IOException {
    return manifests.getManifest(repository, reference);
  }

  /**
   * The descriptor of manifest {@code reference}, without its body; empty on 404.
   *
   * @param repository the repository's name
   * @param reference a tag, or a digest ({@code sha256:...})
   * @return the media type, digest and size the registry's headers give, or empty on 404
   * @throws RegistryException for other error statuses
   * @throws IOException when the headers lack the digest or a valid size, name another digest
   *     than the one asked by, or the request fails (network, timeout)
   */
  public Optional<Descriptor> headManifest(String repository, String reference) throws IOException {
    return manifests.headManifest(repository, reference);
  }

  /**
   * What a manifest PUT reported.
   *
   * @param digest the sha256 digest of the bytes put
   * @param subjectProcessed true when the registry answered with {@code OCI-Subject}
   */
  public record PutResult(Digest digest, boolean subjectProcessed) {}

  /**
   * Stores a manifest under {@code reference} (its digest, or a tag). {@link
   * PutResult#subjectProcessed()} says whether the registry answered with {@code OCI-Subject},
   * i.e. indexed the manifest's {@code subject} for the referrers API itself.
   *
   * @param repository the repository's name
   * @param reference where to store it: its digest, or a tag
   * @param mediaType the manifest's media type, sent as {@code Content-Type}
   * @param bytes the manifest, sent as they are
   * @return the manifest's digest and whether the registry processed its subject
   * @throws RegistryException when the registry refuses it (an error status)
   * @throws IOException when it is larger than {@link #MAX_MANIFEST_SIZE} or the request fails
   *     (network, timeout)
   */
  public PutResult putManifest(String repository, String reference, String mediaType, byte[] bytes)
      throws IOException {
    return manifests.putManifest(repository, reference, mediaType, bytes);
  }

  /**
   * Deletes manifest {@code digest}.
   *
   * @param repository the repository's name
   * @param digest the manifest's digest
   * @return false when the registry does not allow deletes (405), does not permit this one (401,
   *     403) or has no such manifest
   * @throws RegistryException for other error statuses
   * @throws IOException when the request fails (network, timeout, proxy or TLS)
   */
  public boolean deleteManifest(String repository, Digest digest) throws IOException {
    return manifests.deleteManifest(repository, digest);
  }

  // ------------------------------------------------------------------ referrers

  /**
   * The referrers of manifest {@code subject} whose {@code artifactType} is {@code artifactType}
   * (all of them when null), as OCI distribution 1.1 defines them and oras-go finds them: the
   * referrers API first, following its {@code Link: <...>; rel="next"} pages (at most 100, on
   * the registry's own origin only); where the registry has none (404 other than {@code
   * NAME_UNKNOWN}, or a first answer that is not an image index), the index under the fallback
   * tag {@code <alg>-<hex>}. Each page is filtered here unless the registry says it filtered it
   * ({@code OCI-Filters-Applied: artifactType}); a referrer listed on two pages (a registry
   * changing between them) is returned once.
   *
   * @throws RegistryException for an error status, a later page that is not an index, or a next
   *     link that is malformed or names another origin
   * @param repository the repository's name
   * @param subject the digest of the manifest the referrers point at
   * @param artifactType the artifact type to keep, or null for all
   * @return the referrers' descriptors, each once, in the registry's order; empty when there are
   *     none
   * @throws OciException if the registry lists more than 10,000 referrers or links more than 100
   *     pages
   * @throws IOException when the request fails (network, timeout, proxy or TLS)
   */
  public List<Descriptor> referrers(String repository, Digest subject, String artifactType)
      throws IOException {
    return referrers.referrers(repository, subject, artifactType);
  }

  /**
   * Pushes a manifest that has a {@code subject} (a SOCI index v1) and makes it discoverable as
   * a referrer: stored by digest; if the registry did not answer with {@code OCI-Subject}, its
   * descriptor (media type, digest, size, {@code artifactType}: the manifest's, else its config's
   * media type, and the manifest's annotations) is added to the index under the subject's
   * fallback tag, which is pushed after the manifest, and the index it replaces deleted where
   * the registry allows it. So a failure part-way never leaves the tag listing a manifest that
   * is not there.
   *
   * @param repository the repository's name
   * @param manifestBytes the manifest, pushed as they are
   * @param mediaType the manifest's media type
   * @return the manifest's descriptor as listed among the referrers (with its artifact type
   *     and annotations)
   * @throws OciException if the manifest has no subject
   * @throws IOException when the manifest does not parse, the registry refuses a request, or a
   *     request fails (network, timeout)
   */
  public Descriptor pushReferrer(String repository, byte[] manifestBytes, String mediaType)
      throws IOException {
    return referrers.pushReferrer(repository, manifestBytes, mediaType);
  }

  // ------------------------------------------------------------------ blobs

  /**
   * Whether {@code repository} holds blob {@code digest}.
   *
   * @param repository the repository's name
   * @param digest the blob's digest
   * @return true on 200 or a redirect to the blob's storage, false on 404
   * @throws RegistryException for other error statuses
   * @throws IOException when the request fails (network, timeout, proxy or TLS)
   */
  public boolean blobExists(String repository, Digest digest) throws IOException {
    return blobs.blobExists(repository, digest);
  }

  /**
   * The blob's content, streamed; reading it to the end verifies size and digest (a {@link
   * dev.soci.oci.store.BlobMismatchException} otherwise).
   *
   * @param repository the repository's name
   * @param blob the blob's descriptor, whose size and digest the stream is checked against
   * @return the blob's bytes from the start, to close after use
   * @throws RegistryException on an error status, {@code BLOB_UNKNOWN} included
   * @throws IOException when the request fails (network, timeout, proxy or TLS)
   */
  public InputStream openBlob(String repository, Descriptor blob) throws IOException {
    return blobs.openBlob(repository, blob);
  }

  /**
   * Random access to a blob by HTTP range requests, for reading spans lazily ({@code LayerReader}
   * over a registry). The size is the descriptor's. Each read is one {@code GET} with {@code
   * Range: bytes=a-b} (redirects followed), and must be answered by a 206 whose {@code
   * Content-Range} is exactly that range of a blob of that size: a server that ignores
   * {@code Range} (200) or answers another range is refused, never taken for the bytes asked
   * for. Connections are reused; reads may run concurrently. The bytes are the registry's: a
   * reader checks them (span digests).
   *
   * @param repository the repository's name
   * @param blob the blob's descriptor; its size is the source's
   * @return a source of the blob's byte ranges; nothing is requested until the first read
   */
  public RangeSource openRanges(String repository, Descriptor blob) {
    return blobs.openRanges(repository, blob);
  }

  /**
   * Uploads a blob (POST, then PUT of the content with its digest) unless the repository has it
   * already. The whole body is sent within the {@linkplain Builder#timeout(Duration) timeout}:
   * for a large blob use {@link #pushBlob(String, Descriptor, InputStream)}, which sends chunks.
   *
   * @param repository the repository's name
   * @param blob the blob's descriptor; the PUT names its digest
   * @param content the blob's bytes, exactly {@code blob.size()} of them
   * @return whether it was uploaded (false: it was there)
   * @throws RegistryException if the registry refuses a request (a digest mismatch included)
   * @throws IOException when the request fails (network, timeout, proxy or TLS)
   */
  public boolean pushBlob(String repository, Descriptor blob, HttpRequest.BodyPublisher content)
      throws IOException {
    return uploads.pushBlob(repository, blob, content);
  }

  /**
   * Uploads a blob read from {@code content} in chunks of the {@linkplain Builder#chunkSize(int)
   * chunk size} (POST, a PATCH per chunk, then a PUT with the digest and no body), unless the
   * repository has it already (then nothing is read). Each chunk is held in memory until the
   * registry confirms it, and sent again from where the registry says it stopped when its PATCH
   * fails (a dropped connection, 429, 5xx); each PATCH must complete within the {@linkplain
   * Builder#timeout(Duration) timeout}. The bytes are hashed as they are read: content whose
   * size or digest differs from {@code blob} is never committed. The stream is not closed.
   *
   * @param repository the repository's name
   * @param blob the blob's descriptor: the size and digest {@code content} must have
   * @param content the blob's bytes from the start; read to the end (unless the blob is there
   *     already), not closed
   * @return whether it was uploaded (false: it was there)
   * @throws dev.soci.oci.store.BlobMismatchException if the content does not match {@code blob}
   * @throws RegistryException if the registry refuses a request, or a chunk cannot be resent
   *     (the registry cannot say how much of it arrived)
   * @throws IOException when reading {@code content} or a request fails (network, timeout)
   */
  public boolean pushBlob(String repository, Descriptor blob, InputStream content)
      throws IOException {
    return uploads.pushBlob(repository, blob, content);
  }

  /**
   * Uploads a blob from a file: in one PUT when it is at most the {@linkplain
   * Builder#chunkSize(int) chunk size}, else in chunks, as {@link #pushBlob(String, Descriptor,
   * InputStream)} does (the request timeout bounds sending a whole body).
   *
   * @param repository the repository's name
   * @param blob the blob's descriptor: the size and digest the file must have
   * @param file the file holding the blob
   * @return whether it was uploaded (false: it was there)
   * @throws IOException when the file cannot be read, its content does not match {@code blob},
   *     the registry refuses a request, or a request fails (network, timeout)
   */
  public boolean pushBlob(String repository, Descriptor blob, Path file) throws IOException {
    return uploads.pushBlob(repository, blob, file);
  }

  /**
   * Mounts blob {@code digest} from repository {@code from} of the same registry into {@code
   * repository}, without transferring it. Under token auth, one token covers both: push to
   * {@code repository} and pull from {@code from}.
   *
   * @param repository the repository to mount the blob into
   * @param digest the blob's digest
   * @param from the repository of the same registry that holds it
   * @return whether the registry mounted it (false: the caller must upload it)
   * @throws RegistryException when the registry answers with an error status
   * @throws IOException when the request fails (network, timeout, proxy or TLS)
   */
  public boolean mountBlob(String repository, Digest digest, String from) throws IOException {
    return uploads.mountBlob(repository, digest, from);
  }

  /** Options of a {@link RegistryClient}. */
  public static final class Builder {
    private final String registry;
    private boolean plainHttp;
    private Credential credential;
    private Duration timeout = Duration.ofSeconds(60);
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private Map<String, String> environment = System.getenv();
    private javax.net.ssl.SSLContext sslContext;
    private boolean insecure;

    private Builder(String registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Plain HTTP instead of TLS (a local test registry); off by default.
     *
     * @param plainHttp true for {@code http://}, false for {@code https://}
     * @return this builder
     */
    public Builder plainHttp(boolean plainHttp) {
      this.plainHttp = plainHttp;
      return this;
    }

    /**
     * The credential to answer challenges with; none (anonymous) by default.
     *
     * @param credential the credential, or null for anonymous requests
     * @return this builder
     */
    public Builder credential(Credential credential) {
      this.credential = credential;
      return this;
    }

    /**
     * Timeout of connecting and of each request (until its response starts); 60 s by default.
     *
     * @param timeout the timeout; positive
     * @return this builder
     * @throws IllegalArgumentException when {@code timeout} is zero or negative
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The chunk size of streamed blob uploads, from {@link RegistryClient#MIN_CHUNK_SIZE} (64 KiB)
     * to {@link RegistryClient#MAX_CHUNK_SIZE} (256 MiB); {@link
     * RegistryClient#DEFAULT_CHUNK_SIZE} (16 MiB) by default. One chunk is held in memory per
     * upload, and must be sent within the timeout.
     *
     * @param bytes the chunk size in bytes
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is outside that range
     */
    public Builder chunkSize(int bytes) {
      if (bytes < MIN_CHUNK_SIZE || bytes > MAX_CHUNK_SIZE) {
        throw new IllegalArgumentException("chunk size must be from " + MIN_CHUNK_SIZE + " to "
            + MAX_CHUNK_SIZE + " bytes: " + bytes);
      }
      this.chunkSize = bytes;
      return this;
    }

    /**
     * The environment whose proxy variables route requests, as Go's {@code
     * ProxyFromEnvironment} (Docker, containerd) reads them: {@code HTTPS_PROXY} for https,
     * {@code HTTP_PROXY} for http (or their lower-case forms), except for hosts {@code NO_PROXY}
     * names and, always, {@code localhost} and loopback addresses. Only {@code http://} proxies
     * are supported; credentials in the proxy URL only for plain-HTTP requests (the JDK sends no
     * Basic credentials through a {@code CONNECT} tunnel). A request whose proxy cannot be used
     * fails with a {@link RegistryException} rather than going direct. {@link System#getenv()}
     * by default.
     *
     * @param environment the variables to read the proxy settings from (copied)
     * @return this builder
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * Trusts the certificates of the PEM bundle {@code pemBundle} (a private registry's CA, or
     * its self-signed certificate) besides the JDK's default CAs; host names are still verified.
     * The file is read now.
     *
     * @param pemBundle the PEM file of one or more certificates
     * @return this builder
     * @throws dev.soci.oci.OciException if it holds no certificate or is larger than 8 MiB
     * @throws IOException when the file cannot be read
     */
    public Builder caCertificates(Path pemBundle) throws IOException {
      this.sslContext = TlsContexts.withCertificates(pemBundle);
      return this;
    }

    /**
     * TLS without any verification: every certificate is accepted, for any host name (for this
     * client only; the JVM-wide {@code jdk.internal.httpclient.disableHostnameVerification} is
     * not needed). Anyone on the path can then read and change the traffic: for test
     * registries only. Overrides {@link #caCertificates(Path)}; off by default.
     *
     * @param insecure true to accept any certificate for any host
     * @return this builder
     */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * The client.
     *
     * @return a new client with these options; the builder may be reused
     */
    public RegistryClient build() {
      return new RegistryClient(this);
    }
  }
}

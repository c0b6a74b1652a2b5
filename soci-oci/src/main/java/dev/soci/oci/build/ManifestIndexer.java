package dev.soci.oci.build;

import dev.soci.core.SociException;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.DocumentTooLargeException;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.LayerCompression;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.store.ContentStore;
import dev.soci.oci.store.TransferProgress;
import dev.soci.oci.index.PrefetchArtifact;
import dev.soci.oci.index.SociIndex;
import dev.soci.oci.index.SociIndexVersion;
import dev.soci.ztoc.ZtocView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The part shared by create and convert: zTOCs (built, or reused from {@link ExistingZtocs})
 * and prefetch artifacts for one manifest's layers, then the index.
 */
final class ManifestIndexer implements AutoCloseable {
  /** Where new blobs go. */
  interface BlobSink {
    void put(String mediaType, byte[] content) throws IOException;
  }

  private final ZtocFactory factory;
  private final SociOptions options;
  private final Consumer<String> log;
  private final ExistingZtocs existing;
  private final TransferProgress progress;
  private final Set<String> matchedPrefetchPaths = new HashSet<>();
  /**
   * zTOC builds of this run by layer digest: a layer shared by several manifests (platforms) is
   * read and indexed once.
   */
  private final Map<Digest, Future<ZtocBlob>> builds = new HashMap<>();
  private final ExecutorService executor;

  ManifestIndexer(ZtocFactory factory, SociOptions options, Consumer<String> log,
      ExistingZtocs existing, TransferProgress progress) {
    this.progress = progress;
    this.factory = factory;
    this.options = options;
    this.log = log;
    this.existing = options.force() ? ExistingZtocs.NONE : existing;
    this.executor = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "soci-ztoc-build");
      t.setDaemon(true);
      return t;
    });
  }

  /** Stops the build threads, abandoning builds not yet awaited (after a failure). */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  /**
   * Builds (or reuses) and stores the zTOCs of {@code manifest}'s layers (skipping small and
   * unsupported ones, in layer order), their prefetch artifacts, the {@code {}} config and the
   * index manifest; returns the index.
   */
  SociIndex index(ContentStore source, ImageManifest manifest, SociIndexVersion version,
      Descriptor subject, BlobSink sink) throws IOException {
    SociIndex.Builder b = SociIndex.builder(version).buildToolIdentifier(options.buildToolIdentifier());
    if (subject != null) {
      b.subject(subject);
    }
    // First decide every layer and start the builds, so that layers are indexed in parallel;
    // then take the results in layer order, which fixes the order of the index's descriptors.
    List<Descriptor> chosen = new ArrayList<>();
    List<Future<ZtocBlob>> results = new ArrayList<>();
    for (Descriptor layer : manifest.layers()) {
      LayerCompression c = LayerCompression.of(layer.mediaType());
      if (c == LayerCompression.NOT_A_LAYER) {
        throw new OciException("cannot index " + layer.digest() + ": media type \""
            + layer.mediaType() + "\" is not a layer type");
      }
      if (layer.size() < options.minLayerSize()) {
        log.accept("layer " + layer.digest() + " skipped: " + layer.size()
            + " bytes is below the minimum layer size " + options.minLayerSize());
        continue;
      }
      if (!c.indexable()) {
        log.accept("layer " + layer.digest() + " skipped: unsupported compression of \""
            + layer.mediaType() + "\"");
        continue;
      }
      ZtocBlob reused = existing.find(layer, c, options.spanSize(), log);
      Future<ZtocBlob> result;
      if (reused != null) {
        log.accept("layer " + layer.digest() + ": reusing zTOC " + reused.digest());
        result = CompletableFuture.completedFuture(reused);
      } else {
        result = builds.computeIfAbsent(layer.digest(),
            d -> executor.submit(() -> build(source, layer, c)));
      }
      chosen.add(layer);
      results.add(result);
    }
    List<Descriptor> prefetches = new ArrayList<>();
    int built = 0;
    for (int i = 0; i < chosen.size(); i++) {
      Descriptor layer = chosen.get(i);
      ZtocBlob z = await(results.get(i));
      sink.put(MediaTypes.ZTOC, z.array());
      b.addZtoc(SociIndex.ztocDescriptor(z.digest(), z.size(), layer, options.spanSize(),
          options.optimizeXattrs() && z.xattrFree()));
      built++;
      if (!options.prefetchPaths().isEmpty()) {
        prefetch(z, layer, sink).ifPresent(prefetches::add);
      }
    }
    if (built == 0) {
      throw new NoZtocsException("no ztocs created: every layer of the manifest was skipped");
    }
    prefetches.forEach(b::addPrefetch);
    SociIndex index = b.build();
    byte[] json = index.toJson();
    // Before anything of this index is stored: a reader would refuse it.
    DocumentTooLargeException.check("the SOCI index of a manifest with "
        + manifest.layers().size() + " layers (" + built + " zTOCs)", json.length);
    sink.put(version.artifactType(), SociIndex.configBytes());
    sink.put(MediaTypes.OCI_MANIFEST, json);
    return index;
  }

  private static ZtocBlob await(Future<ZtocBlob> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while building zTOCs");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IOException(c);
    }
  }

  /**
   * Builds one zTOC. When the builder rejects the content, the rest of the blob is read so that
   * a corrupt blob is reported as such ({@link BlobMismatchException}) rather than as the tar
   * or gzip error its damage caused; otherwise the error is wrapped with the layer's digest.
   */
  private ZtocBlob build(ContentStore source, Descriptor layer, LayerCompression c)
      throws IOException {
    try (InputStream in = progress.watch(source.openBlob(layer),
        TransferProgress.Activity.INDEX, layer)) {
      try {
        return factory.build(
            new ZtocRequest(layer, c, options.spanSize(), options.buildToolIdentifier()), in);
      } catch (SociException e) {
        if (e instanceof BlobMismatchException) {
          throw e;
        }
        try {
          in.transferTo(OutputStream.nullOutputStream());
        } catch (BlobMismatchException corrupt) {
          corrupt.addSuppressed(e);
          throw corrupt;
        }
        throw new LayerIndexingException("cannot index layer " + layer.digest() + ": "
            + e.getMessage(), e);
      }
    }
  }

  private Optional<Descriptor> prefetch(ZtocBlob z, Descriptor layer, BlobSink sink)
      throws IOException {
    ZtocView view = z.view();
    var spans = PrefetchSpans.find(view, options.prefetchPaths());
    if (spans.isEmpty()) {
      return Optional.empty();
    }
    matchedPrefetchPaths.addAll(spans.keySet());
    byte[] json = new PrefetchArtifact(new ArrayList<>(spans.values()), 0).toJson();
    sink.put(MediaTypes.SOCI_PREFETCH, json);
    return Optional.of(SociIndex.prefetchDescriptor(json, layer));
  }

  /** Reports prefetch paths that matched no file in any layer indexed so far. */
  void reportUnmatchedPrefetchPaths() {
    for (String p : options.prefetchPaths()) {
      if (!matchedPrefetchPaths.contains(p)) {
        log.accept("prefetch path " + p + " matched no file in the indexed layers");
      }
    }
  }
}

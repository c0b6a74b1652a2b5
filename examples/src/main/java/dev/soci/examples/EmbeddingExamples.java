package dev.soci.examples;

import dev.soci.core.GunzipInputStream;
import dev.soci.core.RangeSource;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Platform;
import dev.soci.oci.build.FoundSociIndex;
import dev.soci.oci.image.SociImage;
import dev.soci.oci.registry.DockerConfig;
import dev.soci.oci.registry.ImageReference;
import dev.soci.oci.registry.RegistryClient;
import dev.soci.oci.registry.RegistryStore;
import dev.soci.oci.build.SociConverter;
import dev.soci.oci.build.SociIndexCreator;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import dev.soci.ztoc.BuiltZtoc;
import dev.soci.ztoc.LayerReader;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.ZtocView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's library examples as compiled code, so that they cannot drift from the API. Each
 * method is one task an embedding application performs.
 */
public final class EmbeddingExamples {
  private EmbeddingExamples() {}

  /** Builds a layer's zTOC in one pass and stores it next to the layer; returns its digest. */
  public static String buildZtoc(Path layer) throws IOException {
    BuiltZtoc z = ZtocBuilder.create()
        .spanSize(4 << 20)
        .buildToolIdentifier("AWS SOCI CLI v0.2") // the reference CLI's, for identical bytes
        .build(layer);
    Files.write(layer.resolveSibling(layer.getFileName() + ".ztoc"), z.bytes());
    System.out.println("layer " + z.layerDigest() + " diffID " + z.diffId());
    return z.digest();
  }

  /** Decompresses a gzip file in pure Java (every member checked) and returns the byte count. */
  public static long gunzip(Path gz, Path target) throws IOException {
    try (InputStream in = new GunzipInputStream(Files.newInputStream(gz));
        OutputStream out = Files.newOutputStream(target)) {
      return in.transferTo(out);
    }
  }

  /** Reads one file out of a layer through its zTOC, fetching and verifying only its spans. */
  public static byte[] readFile(Path layer, Path ztocFile, String path) throws IOException {
    ZtocView ztoc = ZtocView.open(ztocFile);
    try (LayerReader reader = LayerReader.builder(ztoc, RangeSource.of(layer))
        .cacheBytes(64 << 20)
        .build()) {
      return reader.readFile(path);
    }
  }

  /** Streams a large file out of a layer without holding it in memory. */
  public static long copyFile(Path layer, Path ztocFile, String path, Path target) throws IOException {
    try (LayerReader reader = LayerReader.open(ZtocView.open(ztocFile), RangeSource.of(layer));
        InputStream in = reader.openFile(path)) {
      return Files.copy(in, target);
    }
  }

  /** Writes a SOCI-enabled copy (SOCI index v2) of the image in {@code layout} to {@code out}. */
  public static void convert(Path layout, Path out) throws IOException {
    SociOptions options = SociOptions.builder()
        .spanSize(4 << 20)
        .minLayerSize(10 << 20)
        .platforms(List.of(Platform.parse("linux/amd64")))
        .build();
    try (OciLayout in = OciLayout.open(layout)) {
      new SociConverter(options, System.err::println)
          .convert(in, out, OciLayoutWriter.Format.DIRECTORY);
    }
  }

  /** Adds a SOCI index v1 (found through its subject) to a layout directory, in place. */
  public static void create(Path layout) throws IOException {
    try (OciLayout in = OciLayout.open(layout)) {
      new SociIndexCreator(SociOptions.defaults(), System.err::println).create(in);
    }
  }

  /**
   * In a registry: adds a v1 SOCI index to {@code reference} (pushed, found through the
   * referrers of its manifest), writes a SOCI-enabled copy (v2) under {@code sociTag} in the same
   * repository, and returns the SOCI indexes the image now has. {@code plainHttp} only for a
   * local test registry.
   */
  public static List<FoundSociIndex> indexInRegistry(String reference, String sociTag,
      boolean plainHttp) throws IOException {
    SociOptions options = SociOptions.builder().minLayerSize(0).build();
    ImageReference ref = ImageReference.parse(reference);
    RegistryClient client = RegistryClient.builder(ref.registry())
        .plainHttp(plainHttp)
        .credential(DockerConfig.load().credentialFor(ref.registry()).orElse(null))
        .build();
    try (RegistryStore app = RegistryStore.of(client, ref)) {
      Descriptor image = app.resolve(null);
      new SociIndexCreator(options, System.err::println).create(app, image);
      new SociConverter(options, System.err::println).convert(app, image, app, sociTag);
      return FoundSociIndex.find(app, image);
    }
  }

  /** One file of an image's merged filesystem, fetched lazily from the registry. */
  public static byte[] readFromImage(String reference, String path, boolean plainHttp)
      throws IOException {
    ImageReference ref = ImageReference.parse(reference);
    RegistryClient client = RegistryClient.builder(ref.registry()).plainHttp(plainHttp).build();
    try (RegistryStore app = RegistryStore.of(client, ref);
        SociImage image = SociImage.open(app, app.resolve(null), Platform.parse("linux/amd64"))) {
      return image.readFile(path); // symbolic links followed across layers
    }
  }
}

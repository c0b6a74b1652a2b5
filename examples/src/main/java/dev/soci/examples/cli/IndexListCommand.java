package dev.soci.examples.cli;

import dev.soci.oci.build.FoundSociIndex;
import dev.soci.oci.store.ContentStore;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Mixin;
import dev.soci.oci.index.SociIndexVersion;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci index list IMAGE}: one tab-separated line per SOCI index: digest, size,
 * version ({@code v1}/{@code v2}), the image manifest it serves ({@code -} if unknown) and
 * its platform ({@code -} if unknown). For a layout, every index it lists; for a registry
 * image, the indexes of that image (v2 through its manifests' annotations, v1 through
 * referrers).
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "One line per SOCI index: DIGEST SIZE VERSION IMAGE-MANIFEST PLATFORM "
        + "(tab-separated).")
final class IndexListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RegistryOptions registries;

  @Parameters(index = "0", paramLabel = "IMAGE", converter = ImageArgument.Converter.class,
      description = "Layout directory or tar, or docker://HOST/REPO[:TAG][@DIGEST].")
  ImageArgument image;

  /** Every index a store lists (a layout); the indexes of the named image elsewhere. */
  static List<FoundSociIndex> find(ContentStore store, java.io.PrintWriter err)
      throws IOException {
    return store.listing().isPresent() ? FoundSociIndex.findAll(store)
        : FoundSociIndex.find(store, store.resolve(null), msg -> err.println("soci: " + msg));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    registries.validate(spec.commandLine());
    try (ContentStore store = ImageStores.open(image, registries)) {
      for (FoundSociIndex i : find(store, spec.commandLine().getErr())) {
        out.println(String.join("\t",
            i.descriptor().digest().toString(),
            Long.toString(i.descriptor().size()),
            i.index().version() == SociIndexVersion.V1 ? "v1" : "v2",
            i.imageManifest() == null ? "-" : i.imageManifest().toString(),
            i.platform() == null ? "-" : i.platform().toString()));
      }
    }
    out.flush();
    return 0;
  }
}


package dev.soci.examples.cli;

import dev.soci.oci.Descriptor;
import dev.soci.oci.build.FoundSociIndex;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.registry.RegistryStore;
import dev.soci.oci.index.SociIndexVersion;
import dev.soci.oci.store.ContentStore;
import dev.soci.oci.store.ImageGraph;
import dev.soci.oci.store.TransferProgress;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci push LAYOUT docker://R}: the seed workflow "create locally, then push". Pushes the
 * layout's image to {@code R} (blobs the repository lacks, then manifests, the tag last), then
 * each v1 SOCI index the layout holds for it, with its zTOCs, as a referrer of its manifest.
 * Prints {@code soci-index <digest>} per index pushed.
 */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = "Push an OCI layout's image and its v1 SOCI indexes (made by soci create) "
        + "to a registry, where the indexes are found through the referrers of the image.")
final class PushCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RegistryOptions registries;

  @Option(names = {"-q", "--quiet"}, description = "No progress on standard error.")
  boolean quiet;

  @Parameters(index = "0", paramLabel = "LAYOUT", converter = ImageArgument.Converter.class,
      description = "OCI layout directory or tar (PATH, oci:PATH or oci-archive:PATH).")
  ImageArgument layout;

  @Parameters(index = "1", paramLabel = "docker://HOST/REPO:TAG",
      converter = ImageArgument.Converter.class, description = "Where to push the image.")
  ImageArgument target;

  @Override
  public Integer call() throws Exception {
    registries.validate(spec.commandLine());
    if (layout.isRegistry()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "LAYOUT must be an image layout, not " + layout + " (convert copies between registries)");
    }
    if (!target.isRegistry() || target.reference().tag() == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "the destination must be docker://HOST/REPO:TAG, not " + target);
    }
    PrintWriter out = spec.commandLine().getOut();
    TransferProgress progress = ProgressReporter.forTerminal(spec.commandLine().getErr(), quiet);
    try (OciLayout source = (OciLayout) ImageStores.open(layout, registries);
        RegistryStore registry = (RegistryStore) ImageStores.open(target, registries)) {
      Descriptor image = source.resolve(null);
      ImageGraph graph = ImageGraph.walk(source, image);
      Set<dev.soci.oci.Digest> manifests = new HashSet<>();
      graph.documents().forEach(d -> manifests.add(d.descriptor().digest()));
      // The image first, so that each index's subject is there before the index names it.
      copy(source, graph, registry, progress);
      graph.copyDocumentsBelowRoot(registry);
      ContentStore.Content root = graph.documents().get(graph.documents().size() - 1);
      registry.putManifest(root.descriptor(), root.bytes(), target.reference().tag());
      int pushed = 0;
      for (FoundSociIndex found : FoundSociIndex.findAll(source)) {
        if (found.index().version() != SociIndexVersion.V1 || found.imageManifest() == null
            || !manifests.contains(found.imageManifest())) {
          continue;
        }
        ImageGraph index = ImageGraph.walk(source, found.descriptor());
        copy(source, index, registry, progress);
        ContentStore.Content manifest = index.documents().get(0);
        registry.putReferrer(manifest.descriptor(), manifest.bytes());
        out.println("soci-index " + found.descriptor().digest());
        pushed++;
      }
      if (pushed == 0) {
        spec.commandLine().getErr().println("soci: " + layout + " holds no v1 SOCI index for "
            + "its image; run soci create first (the image itself was pushed)");
      }
    }
    out.flush();
    return 0;
  }

  private static void copy(ContentStore source, ImageGraph graph, ContentStore target,
      TransferProgress progress) throws java.io.IOException {
    for (Descriptor blob : graph.blobs()) {
      ImageGraph.copyBlob(source, target, blob, progress);
    }
  }
}

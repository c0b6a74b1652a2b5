package dev.soci.examples.cli;

import dev.soci.oci.Digest;
import dev.soci.oci.OciException;
import dev.soci.oci.build.FoundSociIndex;
import dev.soci.oci.store.ContentStore;
import picocli.CommandLine.Mixin;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci index info IMAGE DIGEST}: the index manifest exactly as stored (raw JSON, the
 * bytes its digest covers), then a newline; pipe it to {@code jq} to pretty-print.
 */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Print a SOCI index manifest as stored (raw JSON, then a newline).")
final class IndexInfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RegistryOptions registries;

  @Parameters(index = "0", paramLabel = "IMAGE", converter = ImageArgument.Converter.class,
      description = "Layout directory or tar, or docker://HOST/REPO[:TAG][@DIGEST].")
  ImageArgument image;

  @Parameters(index = "1", paramLabel = "DIGEST",
      description = "The index digest (sha256:<hex>, or just the hex).")
  String digest;

  @Override
  public Integer call() throws Exception {
    Digest want = Digest.parse(digest.contains(":") ? digest : "sha256:" + digest);
    PrintWriter out = spec.commandLine().getOut();
    registries.validate(spec.commandLine());
    try (ContentStore store = ImageStores.open(image, registries)) {
      for (FoundSociIndex i : IndexListCommand.find(store, spec.commandLine().getErr())) {
        if (i.descriptor().digest().equals(want)) {
          out.println(new String(store.readBlob(i.descriptor()), StandardCharsets.UTF_8));
          out.flush();
          return 0;
        }
      }
      throw new OciException("no SOCI index " + want + " in " + image);
    }
  }
}

package dev.soci.examples.cli;

import dev.soci.ztoc.ZtocView;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The options of the commands that read a loose zTOC file: where it is, and optionally the
 * digest it must have. Mixed into {@code ztoc get-file}, {@code info} and {@code list}.
 */
final class ZtocOptions {
  @Option(
      names = "--ztoc-digest",
      paramLabel = "DIGEST",
      description = "Refuse the zTOC unless its digest is this (sha256:<64 hex>), e.g. the one its"
          + " SOCI index records. Without it the zTOC is trusted as given: reads are checked"
          + " against it, but it can vouch only for itself.")
  String digest;

  /**
   * Opens {@code file}, checking its digest when one was given.
   *
   * @throws CommandLine.ParameterException if the digest given is not well formed
   */
  ZtocView open(CommandSpec spec, Path file) throws IOException {
    Path checked = InputFiles.require(file, "zTOC");
    if (digest == null) {
      return ZtocView.open(checked);
    }
    try {
      return ZtocView.open(checked, digest);
    } catch (IllegalArgumentException e) {
      // ZtocView checks the digest's form before reading the file: one rule, in soci-ztoc.
      throw new CommandLine.ParameterException(spec.commandLine(),
          "invalid --ztoc-digest '" + digest + "': expected sha256:<64 lowercase hex>");
    }
  }
}

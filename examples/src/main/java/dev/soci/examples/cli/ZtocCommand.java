package dev.soci.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code soci ztoc ...}: build and read single zTOCs (its subcommands: see {@link CommandTree}).
 */
@Command(
    name = "ztoc",
    mixinStandardHelpOptions = true,
    description = "Build and read zTOCs (per-layer tables of contents with gzip checkpoints).")
final class ZtocCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }
}

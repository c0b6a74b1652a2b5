/** The {@code soci} command line: an example of the library used as modules. */
module dev.soci.examples {
  requires dev.soci.oci;
  requires info.picocli;

  // picocli reads and sets the @Command classes' @Option and @Parameters fields reflectively.
  opens dev.soci.examples.cli to info.picocli;
}

/**
 * An image's merged root filesystem as a read-only {@link java.nio.file.FileSystem}: {@link
 * dev.soci.oci.fs.SociFileSystems} makes one from a content store, {@link
 * dev.soci.oci.fs.SociFileSystemProvider} from a {@code soci:} URI. Everything {@link
 * java.nio.file.Files} reads works on it ({@code walk}, {@code readAllBytes}, {@code
 * newByteChannel}, {@code readAttributes} as {@code basic} or {@code posix}, {@code
 * readSymbolicLink}, globs), fetching only the spans of the files read; every write throws
 * {@link java.nio.file.ReadOnlyFileSystemException}.
 */
package dev.soci.oci.fs;

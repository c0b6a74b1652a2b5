package dev.soci.oci;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The platform an image manifest runs on, as carried in an image index descriptor.
 *
 * <p>The constructor stores values exactly as given (so JSON round-trips are byte-exact);
 * {@link #parse(String)} and {@link #normalize()} apply containerd's normalisation, and
 * {@link #matches(Platform)} compares normalised forms.
 *
 * @param architecture CPU architecture, e.g. {@code amd64}; always serialised
 * @param os operating system, e.g. {@code linux}; always serialised
 * @param osVersion optional OS version ({@code os.version}), empty when absent
 * @param osFeatures optional OS features ({@code os.features}), empty when absent
 * @param variant optional CPU variant, e.g. {@code v7}, empty when absent
 */
public record Platform(
    String architecture, String os, String osVersion, List<String> osFeatures, String variant) {

  /**
   * Validates and defensively copies.
   *
   * @param architecture CPU architecture; null is stored as empty
   * @param os operating system; null is stored as empty
   * @param osVersion OS version; null is stored as empty
   * @param osFeatures OS features, copied; null means none
   * @param variant CPU variant; null is stored as empty
   */
  public Platform {
    architecture = Objects.requireNonNullElse(architecture, "");
    os = Objects.requireNonNullElse(os, "");
    osVersion = Objects.requireNonNullElse(osVersion, "");
    osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    variant = Objects.requireNonNullElse(variant, "");
  }

  /**
   * A platform with just os, architecture and optional variant (not normalised).
   *
   * @param os operating system, e.g. {@code linux}
   * @param architecture CPU architecture, e.g. {@code arm}
   * @param variant CPU variant, e.g. {@code v7}, or empty for none
   * @return a platform of exactly those values, with no OS version or features
   */
  public static Platform of(String os, String architecture, String variant) {
    return new Platform(architecture, os, "", List.of(), variant);
  }

  /**
   * Parses {@code os/arch[/variant]} (e.g. {@code linux/arm64}, {@code linux/arm/v7}) and
   * normalises it like containerd.
   *
   * @param spec {@code os/arch} or {@code os/arch/variant}
   * @return the normalised platform
   * @throws IllegalArgumentException on an empty component or a wrong number of components
   */
  public static Platform parse(String spec) {
    String[] parts = spec.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "invalid platform \"" + spec + "\": expected os/arch[/variant]");
    }
    for (String p : parts) {
      if (p.isEmpty()) {
        throw new IllegalArgumentException("invalid platform \"" + spec + "\": empty component");
      }
    }
    return of(parts[0], parts[1], parts.length == 3 ? parts[2] : "").normalize();
  }

  /**
   * The default platform of this machine: {@code linux} (the only OS SOCI serves) and the JVM's
   * architecture, normalised ({@code x86_64} becomes {@code amd64}).
   *
   * @return {@code linux} on the JVM's architecture, normalised
   */
  public static Platform host() {
    return of("linux", System.getProperty("os.arch", "amd64"), "").normalize();
  }

  /**
   * containerd's normalisation: lower-case os; {@code x86_64}/{@code x86-64} to {@code amd64}
   * (variant {@code v1} dropped); {@code aarch64} to {@code arm64} (variant {@code 8}/{@code v8}
   * dropped, since v8 is the arm64 baseline); {@code i386} to {@code 386}; {@code armhf} to
   * {@code arm/v7}, {@code armel} to {@code arm/v6}; {@code arm} defaults to {@code v7}; a bare
   * numeric arm variant gains its {@code v} prefix.
   *
   * @return a new platform with the normalised os, architecture and variant, and this one's OS
   *     version and features
   */
  public Platform normalize() {
    String o = os.toLowerCase(Locale.ROOT);
    String a = architecture.toLowerCase(Locale.ROOT);
    String v = variant.toLowerCase(Locale.ROOT);
    switch (a) {
      case "i386":
        a = "386";
        v = "";
        break;
      case "x86_64":
      case "x86-64":
      case "amd64":
        a = "amd64";
        if (v.equals("v1")) {
          v = "";
        }
        break;
      case "aarch64":
      case "arm64":
        a = "arm64";
        if (v.equals("8") || v.equals("v8")) {
          v = "";
        }
        break;
      case "armhf":
        a = "arm";
        v = "v7";
        break;
      case "armel":
        a = "arm";
        v = "v6";
        break;
      case "arm":
        switch (v) {
          case "":
          case "7":
            v = "v7";
            break;
          case "5":
          case "6":
          case "8":
            v = "v" + v;
            break;
          default:
            break;
        }
        break;
      default:
        break;
    }
    return new Platform(a, o, osVersion, osFeatures, v);
  }

  /**
   * Whether {@code other} names the same platform as this one once both are normalised
   * (os, architecture and variant; OS version and features are ignored, as containerd does
   * for Linux).
   *
   * @param other the platform to compare with
   * @return {@code true} when os, architecture and variant agree after normalisation
   */
  public boolean matches(Platform other) {
    Platform a = normalize();
    Platform b = other.normalize();
    return a.os.equals(b.os) && a.architecture.equals(b.architecture) && a.variant.equals(b.variant);
  }

  /** {@code os/arch[/variant]}. */
  @Override
  public String toString() {
    return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
  }
}

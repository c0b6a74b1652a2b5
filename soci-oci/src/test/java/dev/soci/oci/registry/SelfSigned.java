package dev.soci.oci.registry;

import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate for tests, made with the JDK's {@code keytool} (always
 * there, unlike openssl): its PEM certificate, the CA bundle a client trusts, and its PEM
 * (PKCS#8) private key, as the registry's {@code http.tls} reads them.
 *
 * @param certificate the PEM certificate
 * @param key the PEM private key
 */
public record SelfSigned(Path certificate, Path key) {
  /**
   * Makes one in {@code dir} for the subject alternative names {@code san} (keytool's form,
   * {@code ip:127.0.0.1,dns:registry.invalid}).
   */
  public static SelfSigned create(Path dir, String name, String san) throws Exception {
    Files.createDirectories(dir);
    Path ks = dir.resolve(name + ".p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-sigalg", "SHA256withECDSA", "-dname", "CN=" + name, "-validity", "2", "-ext", "SAN=" + san,
        "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit",
        "-keypass", "changeit").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool failed");
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(ks.toFile())) {
      store.load(in, "changeit".toCharArray());
    }
    Key key = store.getKey(name, "changeit".toCharArray());
    Path cert = dir.resolve(name + ".crt");
    Files.writeString(cert, pem("CERTIFICATE", store.getCertificate(name).getEncoded()));
    Path keyFile = dir.resolve(name + ".key");
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
    return new SelfSigned(cert, keyFile);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}

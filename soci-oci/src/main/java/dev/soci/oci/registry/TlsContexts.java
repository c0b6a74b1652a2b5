package dev.soci.oci.registry;

import dev.soci.oci.OciException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS settings a {@link RegistryClient} can have besides the JDK's defaults: the default
 * CAs plus those of a PEM bundle (a private registry's CA), or no verification at all.
 *
 * <p>No verification is per client: JSSE leaves both the chain and the host name check to an
 * {@link X509ExtendedTrustManager} (the JDK's own one checks the name there), so one that
 * accepts everything skips both, without the JVM-wide {@code
 * jdk.internal.httpclient.disableHostnameVerification}.
 */
final class TlsContexts {
  /** PEM bundles larger than this are refused (the system's whole CA bundle is ~200 KiB). */
  static final long MAX_BUNDLE_SIZE = 8 << 20;

  private TlsContexts() {}

  /**
   * A context trusting the JDK's default CAs and every certificate of the PEM bundle {@code
   * pem}; hosts are verified as usual.
   *
   * @throws OciException if the file is too large or holds no certificate
   */
  static SSLContext withCertificates(Path pem) throws IOException {
    long size = Files.size(pem);
    if (size > MAX_BUNDLE_SIZE) {
      throw new OciException("CA bundle " + pem + " is " + size + " bytes, more than "
          + MAX_BUNDLE_SIZE);
    }
    byte[] bytes = Files.readAllBytes(pem);
    Collection<? extends java.security.cert.Certificate> certs;
    try {
      certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes));
    } catch (CertificateException e) {
      throw new OciException("CA bundle " + pem + " is not PEM certificates: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new OciException("CA bundle " + pem + " holds no certificate");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate ca : defaultTrustManager().getAcceptedIssuers()) {
        store.setCertificateEntry("default-" + i++, ca);
      }
      i = 0;
      for (java.security.cert.Certificate c : certs) {
        store.setCertificateEntry("bundle-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's TLS setup failed: " + e.getMessage(), e);
    }
  }

  /** A context that accepts any certificate for any host name. */
  static SSLContext trustingAll() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAll()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's TLS setup failed: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /**
   * What a failed TLS handshake means, in one line, or null when {@code e} is no TLS failure.
   * The JDK's messages ("PKIX path building failed: ...") say what failed, not what to do.
   */
  /**
   * Whether {@code e} is a TLS failure that a retry cannot fix: the certificate is not trusted
   * or does not name the host. Connections reset or closed during or after a handshake (also
   * {@code SSLException}s) are transient and retried like any dropped connection.
   */
  static boolean isPermanent(IOException e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof CertificateException || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
        return true;
      }
      String m = t.getMessage();
      if (t instanceof SSLException && m != null && (m.contains("PKIX path")
          || m.contains("certification path") || m.contains("subject alternative")
          || m.contains("No name matching"))) {
        return true;
      }
    }
    return false;
  }

  static String describe(IOException e, String registry) {
    SSLException ssl = null;
    CertificateException cert = null;
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (ssl == null && t instanceof SSLException s) {
        ssl = s;
      }
      if (cert == null && t instanceof CertificateException c) {
        cert = c;
      }
    }
    if (ssl == null) {
      return null;
    }
    String reason = cert != null ? cert.getMessage() : ssl.getMessage();
    reason = reason == null ? ssl.getClass().getSimpleName() : reason.replace('\n', ' ');
    if (reason.contains("PKIX path") || reason.contains("certification path")) {
      return "TLS with " + registry + " failed: its certificate is not trusted (" + tail(reason)
          + "); trust its CA (Builder.caCertificates, soci --ca-file) or, for a test registry"
          + " only, skip the checks (Builder.insecure, soci --insecure)";
    }
    if (reason.contains("subject alternative") || reason.contains("No name matching")) {
      return "TLS with " + registry + " failed: its certificate does not name the host ("
          + reason + ")";
    }
    return "TLS with " + registry + " failed: " + reason;
  }

  /** The last part of a nested JDK message ("a: b: c" -> "c"). */
  private static String tail(String message) {
    int colon = message.lastIndexOf(": ");
    return colon < 0 ? message : message.substring(colon + 2);
  }

  /** Accepts every certificate and, being an extended manager, skips the host name check. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}

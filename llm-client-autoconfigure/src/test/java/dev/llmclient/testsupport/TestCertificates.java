package dev.llmclient.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private CA and the certificates it signs, made once per test JVM with the JDK's own
 * {@code keytool} (no certificate library is needed): a server certificate for
 * {@code 127.0.0.1} and {@code localhost}, and a client certificate for mutual TLS.
 * Stores are PKCS12 with password {@value #PASSWORD}; the CA's certificate is also
 * written as PEM, as an internal CA is usually handed out.
 */
public final class TestCertificates {

	/** The password of every store. */
	public static final String PASSWORD = "changeit";

	/** The store keytool keeps every key pair in. */
	private static final String KEYS = "keys.p12";

	private static TestCertificates instance;

	private final Path directory;

	private KeyStore serverKeys;

	private TestCertificates(Path directory) {
		this.directory = directory;
	}

	/**
	 * Returns the certificates, making them on first use.
	 * @return the certificates of this JVM
	 */
	public static synchronized TestCertificates get() {
		if (instance == null) {
			try {
				Path directory = Files.createTempDirectory("llm-client-certs");
				instance = new TestCertificates(directory);
				instance.generate();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("Could not make the test certificates", ex);
			}
		}
		return instance;
	}

	/** The CA's certificate in PEM, for {@code spring.ssl.bundle.pem.*.truststore}. */
	public Path caPem() {
		return this.directory.resolve("ca.pem");
	}

	/** A PKCS12 trust store holding the CA's certificate. */
	public Path trustStore() {
		return this.directory.resolve("trust.p12");
	}

	/** A PKCS12 key store holding the client's key and certificate, signed by the CA. */
	public Path clientKeyStore() {
		return this.directory.resolve("client.p12");
	}

	/**
	 * The server's context: its certificate signed by the CA, and trust of that CA for
	 * the client certificates it may ask for.
	 * @return a new context
	 */
	public SSLContext serverContext() {
		return context(this.serverKeys, trustStore());
	}

	/**
	 * A client's context that trusts the CA.
	 * @param withClientCertificate whether it also presents the client certificate
	 * @return a new context
	 */
	public SSLContext clientContext(boolean withClientCertificate) {
		try {
			return context(withClientCertificate ? load(clientKeyStore()) : null, trustStore());
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Could not load the test certificates", ex);
		}
	}

	private static SSLContext context(KeyStore keyStore, Path trustStore) {
		try {
			KeyManagerFactory keys = null;
			if (keyStore != null) {
				keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				keys.init(keyStore, PASSWORD.toCharArray());
			}
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(load(trustStore));
			SSLContext context = SSLContext.getInstance("TLS");
			context.init((keys != null) ? keys.getKeyManagers() : null, trust.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Could not load the test certificates", ex);
		}
	}

	private static KeyStore load(Path path) throws GeneralSecurityException, IOException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(path)) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

	/**
	 * Seven runs of {@code keytool} (each a JVM start: the slow part) make the keys and
	 * have the CA sign two of them; the stores are then assembled in this JVM.
	 */
	private void generate() throws GeneralSecurityException, IOException {
		keytool("-genkeypair", "-alias", "ca", "-dname", "CN=llm-client test CA", "-ext", "bc:c");
		keytool("-genkeypair", "-alias", "server", "-dname", "CN=localhost");
		keytool("-genkeypair", "-alias", "client", "-dname", "CN=llm-client");
		sign("server", "EKU=serverAuth", "SAN=dns:localhost,ip:127.0.0.1");
		sign("client", "EKU=clientAuth");
		KeyStore keys = load(this.directory.resolve(KEYS));
		Certificate ca = keys.getCertificate("ca");
		Files.writeString(caPem(), "-----BEGIN CERTIFICATE-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ca.getEncoded())
				+ "\n-----END CERTIFICATE-----\n");
		KeyStore trust = store();
		trust.setCertificateEntry("ca", ca);
		save(trust, trustStore());
		save(chain(keys, "client", ca), clientKeyStore());
		this.serverKeys = chain(keys, "server", ca);
	}

	/** The CA signs the key pair's certificate request. */
	private void sign(String alias, String... extensions) {
		keytool("-certreq", "-alias", alias, "-file", alias + ".csr");
		List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-infile", alias + ".csr",
				"-outfile", alias + ".pem", "-validity", "2"));
		for (String extension : extensions) {
			gencert.addAll(List.of("-ext", extension));
		}
		keytool(gencert.toArray(String[]::new));
	}

	/** A store holding the key with its CA-signed certificate and the CA's. */
	private KeyStore chain(KeyStore keys, String alias, Certificate ca) throws GeneralSecurityException, IOException {
		Certificate signed;
		try (InputStream in = Files.newInputStream(this.directory.resolve(alias + ".pem"))) {
			signed = CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
		KeyStore store = store();
		store.setKeyEntry(alias, keys.getKey(alias, PASSWORD.toCharArray()), PASSWORD.toCharArray(),
				new Certificate[] { signed, ca });
		return store;
	}

	private static KeyStore store() throws GeneralSecurityException, IOException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		return store;
	}

	private static void save(KeyStore store, Path path) throws GeneralSecurityException, IOException {
		try (OutputStream out = Files.newOutputStream(path)) {
			store.store(out, PASSWORD.toCharArray());
		}
	}

	private void keytool(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		// a short-lived JVM: skip the optimising compiler
		command.add("-J-XX:TieredStopAtLevel=1");
		command.addAll(List.of(arguments));
		if ("-genkeypair".equals(arguments[0])) {
			command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
		}
		command.addAll(List.of("-keystore", KEYS, "-storetype", "PKCS12", "-storepass", PASSWORD));
		try {
			Process process = new ProcessBuilder(command).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (process.waitFor() != 0) {
				throw new IllegalStateException("keytool " + String.join(" ", arguments) + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

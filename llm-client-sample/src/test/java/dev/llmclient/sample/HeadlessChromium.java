package dev.llmclient.sample;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Starts Debian's headless Chromium through its ChromeDriver, both found on the PATH or
 * at Debian's paths, never downloaded. When either is missing the tests fail, saying how
 * to install them: a browser test that skips itself would hide a broken console.
 */
final class HeadlessChromium {

	/**
	 * Flags that keep Chromium to the page under test: no sandbox (CI runs as root), no
	 * GPU, and none of its own connections to the internet, which a closed network
	 * refuses noisily.
	 */
	private static final String[] FLAGS = { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
			"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-dev-shm-usage", "--window-size=1280,960" };

	private HeadlessChromium() {
	}

	/**
	 * Starts a browser with a fresh profile that keeps the page's console messages.
	 * @param profile an empty directory for the profile
	 * @return the driver; quit it to stop the browser
	 */
	static ChromeDriver start(Path profile) {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(find("chromium").toFile());
		options.addArguments(FLAGS);
		options.addArguments("--user-data-dir=" + profile);
		LoggingPreferences logging = new LoggingPreferences();
		logging.enable(LogType.BROWSER, Level.ALL);
		options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(find("chromedriver").toFile())
			.usingAnyFreePort()
			.build();
		return new ChromeDriver(service, options);
	}

	private static Path find(String name) {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(File.pathSeparator)) {
				Path candidate = Path.of(directory, name);
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		Path debian = Path.of("/usr/bin", name);
		if (Files.isExecutable(debian)) {
			return debian;
		}
		throw new IllegalStateException(name + " is not on the PATH nor at " + debian
				+ ": the web console's browser tests need Debian's chromium and chromium-driver. Install them with "
				+ ".ci/setup-test-tools from the repository's root (or: apt-get install chromium chromium-driver)");
	}

}

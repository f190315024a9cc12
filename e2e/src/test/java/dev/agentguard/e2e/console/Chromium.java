package dev.agentguard.e2e.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium, driven through Debian's chromedriver (both from apt; Selenium
 * Manager never runs, nothing is downloaded). Each instance is a fresh profile: one human.
 */
final class Chromium implements AutoCloseable {

    private static final Path BROWSER = Path.of(System.getProperty("agentguard.chromium", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getProperty("agentguard.chromedriver", "/usr/bin/chromedriver"));

    private final ChromeDriver driver;
    private final Duration wait;

    private Chromium(ChromeDriver driver, Duration wait) {
        this.driver = driver;
        this.wait = wait;
    }

    static boolean installed() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    /**
     * @param trusted the one certificate (a test provider's) whose key the browser accepts
     *                although no system CA issued it; nothing else is exempted
     */
    static Chromium start(X509Certificate trusted, Duration wait) {
        ChromeOptions options = new ChromeOptions().setBinary(BROWSER.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1400,900", "--ignore-certificate-errors-spki-list=" + spkiHash(trusted));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new Chromium(new ChromeDriver(service, options), wait);
    }

    ChromeDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    /** Logs in on the provider's page the console sent the browser to. */
    void logIn(String user, String password) {
        until(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("kc-login")).click();
    }

    /**
     * Logs in on the provider's page when it asks again (max_age): the provider may show the
     * user it remembers and ask only for the password.
     */
    void logInAgain(String user, String password) {
        WebElement passwordField = until(By.id("password"));
        for (WebElement username : driver.findElements(By.id("username"))) {
            if (username.isDisplayed() && username.isEnabled() && username.getDomProperty("value").isEmpty()) {
                username.sendKeys(user);
            }
        }
        passwordField.sendKeys(password);
        driver.findElement(By.id("kc-login")).click();
    }

    WebElement until(By locator) {
        try {
            return new WebDriverWait(driver, wait).until(ExpectedConditions.visibilityOfElementLocated(locator));
        } catch (TimeoutException e) {
            throw new AssertionError("no " + locator + " on " + driver.getCurrentUrl() + " within " + wait
                    + "; the page says:\n" + pageText(), e);
        }
    }

    void untilText(By locator, String text) {
        try {
            new WebDriverWait(driver, wait).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
        } catch (TimeoutException e) {
            throw new AssertionError("no '" + text + "' in " + locator + " on " + driver.getCurrentUrl() + " within "
                    + wait + "; the page says:\n" + pageText(), e);
        }
    }

    private String pageText() {
        try {
            return driver.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }

    /** What --ignore-certificate-errors-spki-list takes: base64 of the SHA-256 of the public key info. */
    private static String spkiHash(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

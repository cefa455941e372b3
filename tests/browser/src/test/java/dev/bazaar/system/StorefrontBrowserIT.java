package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The storefront and the operations console in a real headless Chromium (Debian's {@code chromium}
 * and {@code chromium-driver}), against the whole system started by the launcher. Each page visited
 * is saved as a screenshot under {@code target/screenshots/}.
 */
class StorefrontBrowserIT {

  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final String PASSWORD = "s3cret-pass";

  /**
   * The system runs with {@code --tracing} (the console's trace links exist only then), with Zipkin
   * on a port that follows {@code bazaar.system.base-port}, so two checkouts do not clash.
   */
  static final int ZIPKIN_PORT =
      Integer.getInteger("bazaar.system.zipkin-port", BazaarSystem.BASE_PORT + 1331);

  static final String ZIPKIN = "http://127.0.0.1:" + ZIPKIN_PORT;

  static BazaarSystem system;
  static Api api;
  static String adminToken;
  static String adminPassword;

  WebDriver browser;
  WebDriverWait wait;

  @BeforeAll
  static void boot() throws Exception {
    // tok_error fails as often as the inbox tries (5): its AuthorizePayment is parked, and a
    // replay (the 6th call) succeeds. That is the parked message the admin replays below.
    system =
        BazaarSystem.onConfiguredInfra("browser", Map.of("BAZAAR_PAYMENTS_ERROR_FAILURES", "5"));
    system.up("--tracing", "--zipkin-port", String.valueOf(ZIPKIN_PORT));
    api = new Api(system.gateway());
    adminPassword = system.adminPassword();
    adminToken = api.login("admin@bazaar.local", adminPassword);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void shutdown() throws Exception {
    if (system != null) {
      system.down();
      system.forgetInfrastructure();
    }
  }

  /** The add-to-cart buttons of products in stock (sold-out ones are disabled). */
  private static final By IN_STOCK = By.cssSelector("#products li button:not([disabled])");

  @BeforeEach
  void openBrowser() {
    System.setProperty(
        ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY,
        BazaarSystem.env("BAZAAR_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BazaarSystem.env("BAZAAR_TEST_CHROMIUM", "/usr/bin/chromium"));
    // The background-networking flags keep Chromium from calling Google's hosts, which this
    // machine's closed network refuses (and which would only add noise to the timings below).
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1800");
    browser = new ChromeDriver(options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void customerRegistersBuysTwoProductsAndWatchesTheOrderConfirmWithoutReloading()
      throws Exception {
    open("/register");
    screenshot("register");
    String email = "shopper-" + UUID.randomUUID() + "@example.com";
    type(By.name("name"), "Grace Shopper");
    type(By.name("email"), email);
    type(By.name("password"), PASSWORD);
    browser.findElement(By.cssSelector("#register-form button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("nav"), "Log out"));
    wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(IN_STOCK, 1));
    screenshot("shop");

    // Products other runs sold out (the real-infrastructure database is shared) are disabled.
    List<WebElement> buttons = browser.findElements(IN_STOCK);
    buttons.get(0).click();
    buttons.get(1).click();
    assertThat(browser.findElement(By.id("cart-count")).getText()).isEqualTo("2");

    browser.findElement(By.cssSelector("a[href='/cart']")).click();
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("main tbody tr"), 2));
    screenshot("cart");
    browser.findElement(By.id("checkout")).click();
    WebElement ok = wait.until(ExpectedConditions.elementToBeClickable(By.id("pay-tok_ok")));
    ok.click();
    screenshot("checkout");
    browser.findElement(By.id("place-order")).click();

    wait.until(ExpectedConditions.urlMatches("/orders/[0-9a-f-]{36}$"));
    // A marker that a reload would wipe: the page must reach CONFIRMED on its own.
    js("window.__sameDocument = 'yes';");
    new WebDriverWait(browser, Duration.ofSeconds(40))
        .until(
            ExpectedConditions.textToBePresentInElementLocated(By.id("order-status"), "CONFIRMED"));
    assertThat(js("return window.__sameDocument;")).isEqualTo("yes");
    assertThat(js("return document.body.dataset.live;"))
        .as("the order page followed the saga over server-sent events")
        .isEqualTo("sse");
    assertThat(browser.findElement(By.id("order-steps")).getText())
        .contains("Reserve stock done", "Authorize payment done", "Commit stock done");
    assertThat(browser.findElement(By.id("cancel-order")).isDisplayed()).isFalse();
    screenshot("order-confirmed");

    browser.findElement(By.cssSelector("a[href='/orders']")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("orders"), "CONFIRMED"));
    screenshot("orders");
    browser.findElement(By.cssSelector("a[href='/notifications']")).click();
    // The page renders after its fetch, so each look waits for the rendered list (or its empty
    // message) before counting, and reloads only when fewer than two have arrived yet.
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(
            d -> {
              new WebDriverWait(d, Duration.ofSeconds(10))
                  .until(
                      x ->
                          !x.findElements(By.cssSelector("#notifications li")).isEmpty()
                              || x.findElement(By.tagName("main"))
                                  .getText()
                                  .contains("Nothing yet."));
              if (d.findElements(By.cssSelector("#notifications li")).size() >= 2) {
                return true;
              }
              d.navigate().refresh();
              return false;
            });
    screenshot("notifications");
  }

  @Test
  void aDeclinedPaymentShowsTheReasonInWords() throws Exception {
    Api.Customer customer = api.newCustomer("Declined Dora");
    logIn(customer.email(), PASSWORD, "/");
    wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(IN_STOCK, 0));
    browser.findElement(IN_STOCK).click();
    open("/checkout");
    wait.until(ExpectedConditions.elementToBeClickable(By.id("pay-tok_declined"))).click();
    browser.findElement(By.id("place-order")).click();
    wait.until(ExpectedConditions.urlMatches("/orders/[0-9a-f-]{36}$"));
    new WebDriverWait(browser, Duration.ofSeconds(40))
        .until(
            ExpectedConditions.textToBePresentInElementLocated(By.id("order-status"), "CANCELLED"));
    assertThat(browser.findElement(By.id("order-reason")).getText())
        .isEqualTo("Cancelled: the payment was declined.");
    screenshot("order-declined");
  }

  @Test
  void aProblemFromTheApiIsShownAsAReadableMessage() throws Exception {
    open("/login");
    type(By.name("email"), "nobody-" + UUID.randomUUID() + "@example.com");
    type(By.name("password"), "wrong password");
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    WebElement flash = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flash")));
    assertThat(flash.getText()).isNotBlank().doesNotContain("{").doesNotContain("problem");
    screenshot("login-failed");
  }

  @Test
  void aCustomerCannotOpenTheConsole() throws Exception {
    open("/console");
    wait.until(ExpectedConditions.urlContains("/login?next=/console"));

    Api.Customer customer = api.newCustomer("Curious Carl");
    logIn(customer.email(), PASSWORD, "/");
    open("/console");
    assertThat(browser.findElement(By.tagName("body")).getText())
        .contains("The operations console is for administrators");
    assertThat(browser.findElements(By.id("processes"))).isEmpty();
    screenshot("console-refused");
    // The console's APIs refuse the customer's session as well.
    Object status =
        ((JavascriptExecutor) browser)
            .executeAsyncScript(
                "const done = arguments[0];"
                    + " fetch('/api/v1/admin/gateway/topology').then(r => done(r.status));");
    assertThat(((Number) status).intValue()).isEqualTo(403);
  }

  @Test
  void adminSeesTheSagaTimelineAndReplaysAParkedMessageUntilItIsConsumed() throws Exception {
    ParkedOrder parked = orderWithParkedPayment("Erratic Erin", "Browser test lamp");
    Api.Customer customer = parked.customer();
    String orderId = parked.orderId();
    String messageId = parked.message().id();

    logIn("admin@bazaar.local", adminPassword, "/console");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("processes-table")));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("parked-table")));
    screenshot("console");

    type(By.id("saga-order"), orderId);
    browser.findElement(By.cssSelector("#saga-form button")).click();
    WebElement timeline =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("saga-events")));
    assertThat(timeline.getText()).contains("Placed").contains("StockReserved");
    screenshot("console-saga");

    // The row of this order's message (found by id through the API: another test's message may
    // be parked too).
    wait.until(ExpectedConditions.presenceOfElementLocated(parkedRow(messageId)));
    clickFresh(By.cssSelector("button.replay[data-id='" + messageId + "']"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "sent back"));
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> d.findElements(parkedRow(messageId)).isEmpty());
    screenshot("console-replayed");
    // Consumed: payments handled the replayed command (the sixth call authorizes) and the saga
    // went on to CONFIRMED.
    JsonNode order = api.awaitFinal(orderId, customer.token(), Duration.ofSeconds(60));
    assertThat(order.get("status").asText()).isEqualTo("CONFIRMED");
    assertThat(api.payments(orderId, adminToken).get(0).get("status").asText())
        .isEqualTo("AUTHORIZED");
  }

  @Test
  void adminSetsTheStockOfAProduct() throws Exception {
    String product = api.createProduct(adminToken, "Stocked kettle " + UUID.randomUUID(), 2500, 3);
    logIn("admin@bazaar.local", adminPassword, "/admin/products/" + product);
    WebElement stock =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("stock-input")));
    stock.clear();
    stock.sendKeys("17");
    browser.findElement(By.cssSelector("#stock-form button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "is now 17"));
    screenshot("admin-product");
    assertThat(api.stock(product, adminToken)).isEqualTo(17);
  }

  @Test
  void discardingAParkedMessageAsksFirstAndKeepsItWhenTheAdminSaysNo() throws Exception {
    ParkedOrder order = orderWithParkedPayment("Doubtful Dan", "Browser test lantern");
    String orderId = order.orderId();
    Parked parked = order.message();

    logIn("admin@bazaar.local", adminPassword, "/console");
    By row = parkedRow(parked.id());
    By discard = By.cssSelector("button.discard[data-id='" + parked.id() + "']");
    By question = By.cssSelector("#parked-table tr[data-id='" + parked.id() + "'] [role=alert]");
    By keep = By.xpath("//tr[@data-id='" + parked.id() + "']//button[normalize-space()='Keep it']");
    By yes =
        By.xpath(
            "//tr[@data-id='" + parked.id() + "']//button[normalize-space()='Yes, discard it']");
    wait.until(ExpectedConditions.presenceOfElementLocated(row));

    // Discard asks first; nothing is discarded while the question is open.
    clickFresh(discard);
    assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(question)).getText())
        .isEqualTo("Discard this message for good?");
    screenshot("console-discard-asks");
    assertThat(parkedMessageOf(orderId)).as("parked while the admin decides").contains(parked);

    // "Keep it": the row comes back with its actions, and the message stays parked.
    browser.findElement(keep).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(question));
    wait.until(ExpectedConditions.presenceOfElementLocated(discard));
    assertThat(browser.findElements(row)).hasSize(1);
    assertThat(parkedMessageOf(orderId)).as("kept after 'Keep it'").contains(parked);

    // "Yes, discard it": gone from the console and from the queue.
    clickFresh(discard);
    wait.until(ExpectedConditions.visibilityOfElementLocated(question));
    browser.findElement(yes).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "was discarded"));
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> d.findElements(row).isEmpty());
    screenshot("console-discarded");
    assertThat(parkedMessageOf(orderId)).as("discarded for good").isEmpty();
  }

  @Test
  void theSagaViewLinksToTheOrdersTraceInZipkin() throws Exception {
    Api.Customer customer = api.newCustomer("Traced Tess");
    String product =
        api.createProduct(adminToken, "Browser test teapot " + UUID.randomUUID(), 1200, 5);
    // The client starts the trace, so the test knows the id without asking the console.
    byte[] id = new byte[16];
    ThreadLocalRandom.current().nextBytes(id);
    String traceId = HexFormat.of().formatHex(id);
    HttpResponse<String> placed =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(system.gateway() + "/api/v1/orders"))
                    .header("Authorization", "Bearer " + customer.token())
                    .header("Content-Type", "application/json")
                    .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            Api.JSON.writeValueAsString(
                                Map.of(
                                    "items",
                                    List.of(Map.of("productId", product, "quantity", 1)),
                                    "paymentToken",
                                    "tok_ok"))))
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
    String orderId = Api.JSON.readTree(placed.body()).get("id").asText();
    assertThat(api.awaitFinal(orderId, customer.token()).get("status").asText())
        .isEqualTo("CONFIRMED");

    logIn("admin@bazaar.local", adminPassword, "/console");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("processes-table")));
    // With tracing on, the console's header links to Zipkin's UI (docs/storefront.md) ...
    WebElement ui = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("trace-ui")));
    assertThat(ui.getDomAttribute("href")).isEqualTo(ZIPKIN + "/zipkin/");

    // ... and the order's timeline to the order's one trace.
    type(By.id("saga-order"), orderId);
    browser.findElement(By.cssSelector("#saga-form button")).click();
    WebElement trace =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#saga-timeline a")));
    assertThat(trace.getText()).isEqualTo("Trace");
    assertThat(trace.getDomAttribute("href")).isEqualTo(ZIPKIN + "/zipkin/traces/" + traceId);
    assertThat(trace.getDomAttribute("rel")).contains("noopener");
    screenshot("console-trace-link");

    // The link leads to the trace: Zipkin's UI at that address shows the gateway's span of it.
    awaitTraceInZipkin(traceId);
    browser.get(trace.getDomAttribute("href"));
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.tagName("body"), "bazaar-gateway"));
    screenshot("zipkin-trace");
  }

  // ---------- helpers ----------

  /** Waits until Zipkin holds spans of the trace (services send them in batches). */
  private static void awaitTraceInZipkin(String traceId) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(ZIPKIN + "/api/v2/trace/" + traceId))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && r.body().contains("bazaar-gateway")) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("Zipkin has no span of the gateway in trace " + traceId + " in 60 s");
  }

  /** A message parked by payments: the queue it was parked from and its id. */
  record Parked(String queue, String id) {}

  /** A customer's order paid with tok_error, and its AuthorizePayment that payments parked. */
  record ParkedOrder(Api.Customer customer, String orderId, Parked message) {}

  /**
   * Places that order (fails all five attempts, see {@link #boot}) and waits until it is parked.
   */
  private ParkedOrder orderWithParkedPayment(String customer, String product) throws Exception {
    Api.Customer buyer = api.newCustomer(customer);
    String productId = api.createProduct(adminToken, product + " " + UUID.randomUUID(), 1500, 5);
    Api.Reply placed = api.order(buyer.token(), productId, 1, "tok_error");
    assertThat(placed.status()).as(placed.raw().body()).isEqualTo(202);
    String orderId = placed.json().get("id").asText();
    return new ParkedOrder(buyer, orderId, awaitParked(orderId));
  }

  /** The AuthorizePayment of the order, once payments parked it (asked through the admin API). */
  private Parked awaitParked(String orderId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Parked> parked = parkedMessageOf(orderId);
      if (parked.isPresent()) {
        return parked.get();
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the AuthorizePayment of " + orderId + " was not parked in 60 s");
  }

  /** The message about the order that payments holds parked now, if any (admin API). */
  private Optional<Parked> parkedMessageOf(String orderId) throws Exception {
    Api.Reply r = api.get("/api/v1/admin/payments/messaging", adminToken);
    assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
    for (JsonNode queue : r.json().get("queues")) {
      for (JsonNode message : queue.get("parkedMessages")) {
        if (message.path("body").asText().contains(orderId)) {
          return Optional.of(new Parked(queue.get("name").asText(), message.get("id").asText()));
        }
      }
    }
    return Optional.empty();
  }

  private static By parkedRow(String messageId) {
    return By.cssSelector("#parked-table tr[data-id='" + messageId + "']");
  }

  /** Clicks an element, finding it afresh if the console's refresh (every 5 s) replaced it. */
  private void clickFresh(By by) {
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(
            d -> {
              d.findElement(by).click();
              return true;
            });
  }

  private void logIn(String email, String password, String next) {
    open("/login?next=" + next);
    type(By.name("email"), email);
    type(By.name("password"), password);
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
  }

  private void open(String path) {
    browser.get(system.gateway() + path);
  }

  private void type(By by, String text) {
    WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    field.clear();
    field.sendKeys(text);
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private void screenshot(String name) throws Exception {
    Path file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(file, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}

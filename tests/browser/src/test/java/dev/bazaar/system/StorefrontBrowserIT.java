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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.assertj.core.api.SoftAssertions;
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
import org.openqa.selenium.chromium.HasCdp;
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

  /** First paint of every page, locally (issue 15). */
  static final long FIRST_PAINT_LIMIT_MS = 1000;

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

  /**
   * First paint under 1 s and no request waterfall, for the shop's home page (a first visit, cold
   * cache), a product page, an order page and the console. "Usable" is the page's own {@code
   * bazaar:usable} mark: its data is on screen. Up to then a page may make its HTML, one
   * stylesheet, one module and its own API calls, and every API call must start without waiting for
   * another one (one round): HTML, then CSS and JS, then the data, in parallel (ADR 0011).
   */
  @Test
  void pagesPaintWithinASecondAndLoadWithoutAWaterfall() throws Exception {
    Api.Customer customer = api.newCustomer("Measured Mia");
    String product = api.createProduct(adminToken, "Browser test mug " + UUID.randomUUID(), 900, 5);
    String orderId = confirmedOrder(customer, product);

    List<List<PageLoad>> pages = new ArrayList<>();
    // session, users/me and the products
    pages.add(measure("home", "/", 3)); // the browser's first page: an empty cache
    // The order page opens its stream beside the session check, not after it; without a session
    // it still leads to the login, with no error of the refused stream left on screen.
    open("/orders/" + orderId);
    wait.until(ExpectedConditions.urlContains("/login?next="));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    assertThat(browser.findElement(By.id("flash")).isDisplayed()).isFalse();
    logIn(customer.email(), PASSWORD, "/");
    // session, users/me and the product
    pages.add(measure("product", "/products/" + product, 3));
    // session, users/me and the order's event stream
    pages.add(measure("order", "/orders/" + orderId, 3));
    logIn("admin@bazaar.local", adminPassword, "/console");
    // topology, metrics, stuck sagas and the messaging view of each of the five services
    pages.add(measure("console", "/console", 8));

    System.out.println(PageLoad.HEADER);
    pages.forEach(loads -> loads.forEach(l -> System.out.println(l.row())));
    SoftAssertions soft = new SoftAssertions();
    for (List<PageLoad> all : pages) {
      List<PageLoad> slow = all.stream().filter(l -> l.page().contains(" slow")).toList();
      List<PageLoad> loads = all.stream().filter(l -> !l.page().contains(" slow")).toList();
      // The median of the loads: a page that paints late does so every time, while a machine
      // busy with other work (a build beside the test) can hold up one load.
      soft.assertThat(
              loads.stream()
                  .mapToDouble(PageLoad::firstContentfulPaint)
                  .sorted()
                  .skip(loads.size() / 2)
                  .findFirst()
                  .orElseThrow())
          .as(
              "%s: first-contentful-paint (ms), median of %s",
              loads.get(0).page(), loads.stream().map(PageLoad::firstContentfulPaint).toList())
          .isLessThan(FIRST_PAINT_LIMIT_MS);
      for (PageLoad l : loads) {
        soft.assertThat(l.assets())
            .as("%s: stylesheets and scripts: %s", l.page(), l.requests())
            .isLessThanOrEqualTo(2);
        soft.assertThat(l.requests().size() + 1)
            .as("%s: requests before it was usable: document + %s", l.page(), l.requests())
            .isLessThanOrEqualTo(1 + 2 + l.apiBound());
      }
      // Timing shows only that a call could have waited for another; a real waterfall shows on
      // every load. The loads with added latency decide (see THROTTLED_LOADS); the fewest rounds
      // of them counts, so that one load held up by a busy machine does not decide alone.
      soft.assertThat(slow.stream().mapToInt(PageLoad::apiRounds).min().orElseThrow())
          .as(
              "%s: API calls one after another before it was usable, %d ms added per request,"
                  + " fewest of %d loads: %s",
              slow.get(0).page(),
              LATENCY_MS,
              slow.size(),
              slow.stream().map(PageLoad::requests).toList())
          .isEqualTo(1);
    }
    soft.assertAll();
  }

  /**
   * At 360 px wide nothing scrolls sideways, and each page's main controls are on screen and work.
   * Wide tables scroll inside their own box ({@code .table-wrap}), not the page.
   */
  @Test
  void pagesFitA360PixelWideScreen() throws Exception {
    Api.Customer customer = api.newCustomer("Narrow Nina");
    String product =
        api.createProduct(adminToken, "Browser test spoon " + UUID.randomUUID(), 400, 5);
    String orderId = confirmedOrder(customer, product);
    // The screen of a small phone; the window stays desktop-sized, so Chromium's own minimum
    // window width cannot widen it.
    ((HasCdp) browser)
        .executeCdpCommand(
            "Emulation.setDeviceMetricsOverride",
            Map.of("width", 360, "height", 780, "deviceScaleFactor", 1, "mobile", false));
    SoftAssertions soft = new SoftAssertions();

    open("/");
    wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(IN_STOCK, 0));
    fits(
        soft,
        "home",
        By.id("search"),
        By.cssSelector("form[role=search] button"),
        IN_STOCK,
        By.cssSelector("#nav a[href='/cart']"),
        By.cssSelector("#nav a[href='/login']"));
    screenshot("narrow-home");
    browser.findElement(IN_STOCK).click();
    assertThat(browser.findElement(By.id("cart-count")).getText()).isEqualTo("1");

    logIn(customer.email(), PASSWORD, "/products/" + product);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("quantity")));
    fits(
        soft,
        "product",
        By.id("quantity"),
        By.cssSelector("main form button[type=submit]"),
        By.cssSelector("#nav a[href='/orders']"));
    screenshot("narrow-product");
    browser.findElement(By.cssSelector("main form button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "in your cart"));

    open("/orders/" + orderId);
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("order-status"), "CONFIRMED"));
    fits(
        soft,
        "order",
        By.id("order-status"),
        By.cssSelector("#order-steps li"),
        By.cssSelector("main a[href='/orders']"));
    screenshot("narrow-order");

    logIn("admin@bazaar.local", adminPassword, "/console");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("processes-table")));
    fits(
        soft,
        "console",
        By.cssSelector("nav a[href='#topology']"),
        By.cssSelector("nav a[href='#sagas']"),
        By.id("saga-order"),
        By.cssSelector("#saga-form button"),
        By.id("processes"));
    type(By.id("saga-order"), orderId);
    browser.findElement(By.cssSelector("#saga-form button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("saga-events")));
    fits(soft, "console with a saga", By.id("saga-timeline"));
    screenshot("narrow-console");
    soft.assertAll();
  }

  // ---------- helpers ----------

  /** One request a page made: its URL and when it started and ended (ms since navigation). */
  record Req(String url, double start, double end) {
    boolean api() {
      return URI.create(url).getPath().startsWith("/api/");
    }

    boolean asset() {
      return URI.create(url).getPath().startsWith("/assets/");
    }

    @Override
    public String toString() {
      return String.format("%s %.0f-%.0f ms", URI.create(url).getPath(), start, end);
    }
  }

  /**
   * A page's navigation timing (ms since navigation start), its {@code bazaar:usable} mark, and the
   * requests started up to that mark (Resource Timing).
   */
  record PageLoad(
      String page,
      double ttfb,
      double firstContentfulPaint,
      double domContentLoaded,
      double load,
      double usable,
      List<Req> requests,
      int apiBound) {

    static final String HEADER =
        String.format(
            "%-20s %6s %6s %6s %6s %7s %9s %7s",
            "page", "TTFB", "FCP", "DCL", "load", "usable", "requests", "rounds");

    long assets() {
      return requests.stream().filter(Req::asset).count();
    }

    /** The longest chain of API calls where each started only after the previous one ended. */
    int apiRounds() {
      List<Req> calls = requests.stream().filter(Req::api).toList();
      int[] round = new int[calls.size()];
      int max = 0;
      for (int i = 0; i < calls.size(); i++) {
        round[i] = 1;
        for (int j = 0; j < calls.size(); j++) {
          if (j != i && calls.get(j).end() <= calls.get(i).start() && round[j] + 1 > round[i]) {
            round[i] = round[j] + 1;
          }
        }
        max = Math.max(max, round[i]);
      }
      return max;
    }

    String row() {
      return String.format(
          "%-20s %6.0f %6.0f %6.0f %6.0f %7.0f %9d %7d   %s",
          page,
          ttfb,
          firstContentfulPaint,
          domContentLoaded,
          load,
          usable,
          requests.size() + 1,
          apiRounds(),
          requests);
    }
  }

  private static final String MEASURE =
      """
      const nav = performance.getEntriesByType('navigation')[0];
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      const usable = performance.getEntriesByName('bazaar:usable', 'mark')[0].startTime;
      return JSON.stringify({
        ttfb: nav.responseStart,
        fcp: paint ? paint.startTime : null,
        domContentLoaded: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd,
        usable: usable,
        requests: performance.getEntriesByType('resource')
          .filter((r) => r.startTime <= usable)
          .map((r) => ({ url: r.name, start: r.startTime, end: r.responseEnd })),
      });
      """;

  /** Loads of a page measured one after another: the first as the page is met, then again. */
  static final int LOADS = 5;

  /**
   * Loads with {@link #LATENCY_MS} added to every request, for the waterfall check only. On
   * loopback an answer can end within a few milliseconds, before the next call of the same burst
   * has left, and timing alone then takes independent calls for a chain (the check failed that way
   * on a busy machine). With the latency a dependent call starts at least that long after the call
   * it waited for, while calls of one burst still leave together.
   */
  static final int THROTTLED_LOADS = 2;

  static final int LATENCY_MS = 200;

  /**
   * Opens {@code path} {@link #LOADS} times afresh and reads the timings of each load, then {@link
   * #THROTTLED_LOADS} times with added latency (their names end in "slow").
   */
  private List<PageLoad> measure(String page, String path, int apiBound) throws Exception {
    List<PageLoad> loads = new ArrayList<>();
    for (int i = 1; i <= LOADS; i++) {
      loads.add(measureOnce(i == 1 ? page : page + " #" + i, path, apiBound));
    }
    HasCdp cdp = (HasCdp) browser;
    cdp.executeCdpCommand("Network.enable", Map.of());
    cdp.executeCdpCommand(
        "Network.emulateNetworkConditions",
        Map.of(
            "offline",
            false,
            "latency",
            LATENCY_MS,
            "downloadThroughput",
            -1,
            "uploadThroughput",
            -1));
    try {
      for (int i = 1; i <= THROTTLED_LOADS; i++) {
        loads.add(measureOnce(page + " slow" + i, path, apiBound));
      }
    } finally {
      cdp.executeCdpCommand(
          "Network.emulateNetworkConditions",
          Map.of("offline", false, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }
    return loads;
  }

  /** Opens {@code path} afresh and reads its timings once its {@code bazaar:usable} mark is set. */
  private PageLoad measureOnce(String page, String path, int apiBound) throws Exception {
    open(path);
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(
            d ->
                (Boolean)
                    js("return performance.getEntriesByName('bazaar:usable', 'mark').length > 0"));
    // A resource's entry is written when its response ends: let the last ones end. A page that
    // has not painted yet gets a few seconds more, so a slow paint is reported with its time.
    Thread.sleep(500);
    try {
      new WebDriverWait(browser, Duration.ofSeconds(5))
          .until(
              d ->
                  (Boolean)
                      js(
                          "return performance.getEntriesByName('first-contentful-paint').length > 0"));
    } catch (org.openqa.selenium.TimeoutException e) {
      // reported below as a first paint that never came
    }
    screenshot("timed-" + page.replaceAll("[^a-z]+", "-"));
    JsonNode m = Api.JSON.readTree((String) js(MEASURE));
    List<Req> requests = new ArrayList<>();
    m.get("requests")
        .forEach(
            r ->
                requests.add(
                    new Req(
                        r.get("url").asText(),
                        r.get("start").asDouble(),
                        r.get("end").asDouble())));
    return new PageLoad(
        page,
        m.get("ttfb").asDouble(),
        m.get("fcp").isNull() ? Double.POSITIVE_INFINITY : m.get("fcp").asDouble(),
        m.get("domContentLoaded").asDouble(),
        m.get("load").asDouble(),
        m.get("usable").asDouble(),
        requests,
        apiBound);
  }

  /**
   * The page does not scroll sideways, and each control is visible and lies within the screen's
   * width.
   */
  private void fits(SoftAssertions soft, String page, By... controls) {
    JsonNode w =
        json(
            "const e = document.documentElement;"
                + " return JSON.stringify({scroll: e.scrollWidth, client: e.clientWidth,"
                + " inner: window.innerWidth});");
    System.out.printf(
        "360 px: %-20s scrollWidth %d, clientWidth %d, innerWidth %d%n",
        page, w.get("scroll").asInt(), w.get("client").asInt(), w.get("inner").asInt());
    soft.assertThat(w.get("inner").asInt()).as("%s: window.innerWidth", page).isEqualTo(360);
    soft.assertThat(w.get("scroll").asInt())
        .as("%s: document.documentElement.scrollWidth (innerWidth %s)", page, w.get("inner"))
        .isLessThanOrEqualTo(w.get("client").asInt());
    for (By control : controls) {
      WebElement el;
      try {
        el = wait.until(ExpectedConditions.visibilityOfElementLocated(control));
      } catch (org.openqa.selenium.TimeoutException e) {
        soft.fail("%s: %s is not visible", page, control);
        continue;
      }
      JsonNode r =
          json(
              "const r = arguments[0].getBoundingClientRect();"
                  + " return JSON.stringify({left: r.left, right: r.right});",
              el);
      soft.assertThat(r.get("left").asDouble())
          .as("%s: left edge of %s", page, control)
          .isGreaterThanOrEqualTo(0);
      soft.assertThat(r.get("right").asDouble())
          .as("%s: right edge of %s", page, control)
          .isLessThanOrEqualTo(w.get("client").asDouble());
    }
  }

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

  /** A customer's order of one unit of {@code product}, paid with tok_ok and CONFIRMED. */
  private String confirmedOrder(Api.Customer customer, String product) throws Exception {
    Api.Reply placed = api.order(customer.token(), product, 1, "tok_ok");
    assertThat(placed.status()).as(placed.raw().body()).isEqualTo(202);
    String orderId = placed.json().get("id").asText();
    assertThat(api.awaitFinal(orderId, customer.token()).get("status").asText())
        .isEqualTo("CONFIRMED");
    return orderId;
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

  /** Runs a script that returns {@code JSON.stringify(...)} and parses its answer. */
  private JsonNode json(String script, Object... args) {
    try {
      return Api.JSON.readTree((String) js(script, args));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void screenshot(String name) throws Exception {
    Path file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(file, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}

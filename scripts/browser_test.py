"""The dashboard in a real browser: headless Chromium driven by Selenium.

Logs in, creates an account, finds it in the table, sets it default, deactivates it, and watches the badges
change; then has the built-in emulator deliver a message, opens it in the inbox and replies. Saves a screenshot
of each step. Run by scripts/browser-check.sh against a running server.
"""
import json
import os
import sys
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ["SWITCHBOARD_URL"]
EMAIL = os.environ["SWITCHBOARD_EMAIL"]
PASSWORD = os.environ["SWITCHBOARD_PASSWORD"]
SHOTS = os.environ.get("SCREENSHOT_DIR", ".")
SANDBOX = os.environ.get("SWITCHBOARD_SANDBOX_URL")


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait_for(driver):
    # A form post reloads the page: elements found a moment before may go stale while the wait polls.
    return WebDriverWait(driver, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def log_in(driver, wait):
    driver.get(BASE + "/login")
    driver.find_element(By.NAME, "email").send_keys(EMAIL)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
    wait.until(EC.presence_of_element_located((By.ID, "account-filters")))


def row(driver, name):
    return driver.find_element(By.CSS_SELECTOR, f'tr[data-account-name="{name}"]')


def badges(driver, name):
    return sorted(b.text for b in row(driver, name).find_elements(By.CSS_SELECTOR, ".badge"))


def test_account_flow():
    driver = browser()
    wait = wait_for(driver)
    try:
        log_in(driver, wait)
        # The first start gave the demo workspace a default sandbox account.
        assert badges(driver, "Demo sandbox number") == ["Default"], badges(driver, "Demo sandbox number")

        driver.find_element(By.CSS_SELECTOR, "#new-account summary").click()
        form = driver.find_element(By.ID, "new-account-form")
        form.find_element(By.NAME, "name").send_keys("Browser desk")
        form.find_element(By.CSS_SELECTOR, "select[name='provider'] option[value='sandbox']").click()
        form.find_element(By.NAME, "phoneNumberId").send_keys("4930777000")
        form.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
        toast = wait.until(EC.presence_of_element_located((By.ID, "toast")))
        assert "Account created" in toast.text, toast.text

        # The debounced search box submits by itself.
        search = driver.find_element(By.ID, "account-search")
        search.send_keys("browser")
        wait.until(lambda d: "search=browser" in d.current_url)
        assert badges(driver, "Browser desk") == [], badges(driver, "Browser desk")
        driver.save_screenshot(os.path.join(SHOTS, "accounts-1-created.png"))

        row(driver, "Browser desk").find_element(By.XPATH, ".//button[text()='Set default']").click()
        wait.until(lambda d: "Default" in badges(d, "Browser desk"))
        driver.get(BASE + "/dashboard/accounts")
        assert badges(driver, "Browser desk") == ["Default"] and badges(driver, "Demo sandbox number") == []
        driver.save_screenshot(os.path.join(SHOTS, "accounts-2-default.png"))

        row(driver, "Browser desk").find_element(By.XPATH, ".//button[text()='Deactivate']").click()
        wait.until(lambda d: "Account deactivated" in d.find_element(By.ID, "toast").text)
        driver.get(BASE + "/dashboard/accounts?search=browser&isActive=false")
        assert badges(driver, "Browser desk") == ["Inactive"], badges(driver, "Browser desk")
        driver.save_screenshot(os.path.join(SHOTS, "accounts-3-inactive.png"))

        driver.get(BASE + "/dashboard/settings")
        # The default is inactive now (and so no longer the default): the resolver falls back to the oldest usable account.
        resolver = driver.find_element(By.ID, "resolver").text
        assert "default: missing" in resolver and "fallback: taken — Demo sandbox number" in resolver, resolver
        driver.save_screenshot(os.path.join(SHOTS, "settings.png"))
    finally:
        driver.quit()


def deliver_inbound(text):
    """Has the emulator deliver a message from a simulated user to the demo number; False when it cannot."""
    if not SANDBOX:
        return False
    body = json.dumps({"phoneNumberId": "100000000000001", "from": "15551234567", "profileName": "Ada Browser",
                       "type": "text", "text": {"body": text}}).encode()
    request = urllib.request.Request(SANDBOX + "/sandbox/inbound", data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status < 300
    except (urllib.error.URLError, OSError):
        return False


def test_inbox():
    driver = browser()
    wait = wait_for(driver)
    try:
        delivered = deliver_inbound("Hello, is my order on its way?")
        log_in(driver, wait)
        driver.get(BASE + "/dashboard/inbox")
        wait.until(EC.presence_of_element_located((By.ID, "inbox-filters")))
        threads = driver.find_elements(By.CSS_SELECTOR, "#conversations td a")
        if not threads:
            # No emulator to write from and nothing stored: the empty inbox is all there is to see.
            assert not delivered, "the emulator delivered a message but the inbox is empty"
            driver.save_screenshot(os.path.join(SHOTS, "inbox-empty.png"))
            return
        driver.save_screenshot(os.path.join(SHOTS, "inbox-1-list.png"))

        threads[0].click()
        wait.until(EC.presence_of_element_located((By.ID, "thread")))
        driver.save_screenshot(os.path.join(SHOTS, "inbox-2-thread.png"))
        box = driver.find_elements(By.CSS_SELECTOR, "#reply textarea[name='body']")
        if box:
            box[0].send_keys("Yes, it ships today.")
            driver.find_element(By.CSS_SELECTOR, "#reply button[type='submit']").click()
            wait.until(lambda d: "Message queued" in d.find_element(By.ID, "toast").text)
            assert driver.find_elements(By.CSS_SELECTOR, "#thread .bubble.out .ticks")
            driver.save_screenshot(os.path.join(SHOTS, "inbox-3-replied.png"))
    finally:
        driver.quit()


if __name__ == "__main__":
    test_account_flow()
    test_inbox()
    print("browser: 2 passed, 0 failed")
    sys.exit(0)

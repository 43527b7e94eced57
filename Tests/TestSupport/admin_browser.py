"""Drives the admin page in headless Chromium (Selenium, chromedriver from Debian) and reports
what a person would see, as one JSON object on standard output.

    admin_browser.py BASE_URL PASSWORD SCREENSHOT_DIR STORED_TEXT DEAD_ID

It logs in, looks for STORED_TEXT among the recent messages and DEAD_ID among the dead ones,
clicks that message's Retry button, reloads until the row says `sent`, reveals the callback URL,
and logs out, taking a screenshot of each page. The browser's console is read for
Content-Security-Policy violations. The caller asserts on the report."""
import json
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def main():
    base, password, shots, stored_text, dead_id = sys.argv[1:6]
    os.makedirs(shots, exist_ok=True)
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    report = {"screenshots": []}

    def shot(name):
        path = os.path.join(shots, name + ".png")
        driver.save_screenshot(path)
        report["screenshots"].append(path)

    try:
        driver.set_page_load_timeout(20)
        driver.get(base + "/")
        report["unauthenticated_url"] = driver.current_url
        shot("1-login")
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "login").click()
        report["after_login_url"] = driver.current_url
        report["title"] = driver.title
        recent = driver.find_element(By.ID, "recent").text
        report["recent_has_stored_text"] = stored_text in recent
        report["dead_row"] = driver.find_element(By.ID, "dead-" + dead_id).text
        callback = driver.find_element(By.CSS_SELECTOR, "#callback code")
        report["callback_visible_before_click"] = callback.is_displayed()
        shot("2-dashboard")

        driver.find_element(By.ID, "retry-" + dead_id).click()
        report["notice"] = driver.find_element(By.CSS_SELECTOR, "p.notice").text
        status = ""
        deadline = time.time() + 20
        while time.time() < deadline:
            status = driver.find_element(By.CSS_SELECTOR, "#message-" + dead_id + " td.status").text
            if status == "sent":
                break
            time.sleep(0.2)
            driver.refresh()
        report["status_after_retry"] = status
        report["dead_rows_after_retry"] = len(driver.find_elements(By.CSS_SELECTOR, "#dead tbody tr"))
        shot("3-after-retry")

        driver.find_element(By.CSS_SELECTOR, "#callback summary").click()
        report["callback_visible_after_click"] = \
            driver.find_element(By.CSS_SELECTOR, "#callback code").is_displayed()
        report["callback_text"] = driver.find_element(By.CSS_SELECTOR, "#callback code").text
        shot("4-callback-url")

        driver.find_element(By.ID, "logout").click()
        report["after_logout_url"] = driver.current_url
        driver.get(base + "/")
        report["after_logout_then_home_url"] = driver.current_url
        shot("5-logged-out")
        report["csp_violations"] = [entry["message"] for entry in driver.get_log("browser")
                                    if "Content Security Policy" in entry["message"]]
    finally:
        driver.quit()
    print(json.dumps(report))


if __name__ == "__main__":
    main()

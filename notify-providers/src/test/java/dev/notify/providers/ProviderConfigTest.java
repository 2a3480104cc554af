package dev.notify.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.providers.apns.ApnsConfig;
import dev.notify.providers.email.SendGridConfig;
import dev.notify.providers.fcm.FcmConfig;
import dev.notify.providers.sms.TwilioConfig;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProviderConfigTest {

    @Test
    void should_default_to_the_providers_production_endpoints() {
        assertThat(FcmConfig.DEFAULT_BASE_URL).isEqualTo("https://fcm.googleapis.com");
        assertThat(FcmConfig.DEFAULT_TOKEN_SERVER_URI).isEqualTo("https://oauth2.googleapis.com/token");
        assertThat(ApnsConfig.PRODUCTION_HOST).isEqualTo("api.push.apple.com");
        assertThat(ApnsConfig.DEVELOPMENT_HOST).isEqualTo("api.sandbox.push.apple.com");
        SendGridConfig sendGrid = SendGridConfig.builder().apiKey("SG.secret").fromAddress(" a@example.com ").build();
        assertThat(sendGrid.host()).isEqualTo(SendGridConfig.GLOBAL_HOST);
        assertThat(sendGrid.plainHttp()).isFalse();
        assertThat(sendGrid.fromAddress()).isEqualTo("a@example.com");
        TwilioConfig twilio = TwilioConfig.builder().accountSid("AC1").authToken("secret").from("+15005550006")
                .region("ie1").edge("dublin").build();
        assertThat(twilio.baseUrl()).isNull();
        assertThat(twilio.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(twilio.toString()).contains("region=ie1", "edge=dublin").doesNotContain("secret");
    }

    @Test
    void should_reject_missing_and_conflicting_settings_naming_them() {
        assertThatThrownBy(() -> TwilioConfig.builder().accountSid("AC1").build())
                .hasMessageContaining("authToken");
        assertThatThrownBy(() -> TwilioConfig.builder().accountSid("AC1").authToken("t").from("+1")
                .baseUrl(URI.create("http://localhost:1")).region("ie1").build())
                .hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> SendGridConfig.builder().fromAddress("not an address"))
                .hasMessageContaining("fromAddress");
        assertThatThrownBy(() -> SendGridConfig.builder().requestTimeout(Duration.ZERO))
                .hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> ApnsConfig.builder().server("localhost", 0)).hasMessageContaining("port");
        assertThatThrownBy(() -> ApnsConfig.builder().topic("t").build()).hasMessageContaining("signingKey");
        assertThatThrownBy(() -> FcmConfig.builder().projectId("p").build()).hasMessageContaining("privateKey");
    }
}

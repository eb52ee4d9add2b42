package dev.masync.testing.vendor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VendorFakeResourcesTest {
    @Test
    void hubSpotResourceStartsAFakeWithAWorkingTokenAndStopsIt() {
        HubSpotFakeResource resource = new HubSpotFakeResource();
        assertThat(resource.start()).as("no application config").isEmpty();
        try {
            FakeClient client = new FakeClient(HubSpotFakeResource.fake().url()).bearer(HubSpotFakeResource.TOKEN);
            assertThat(client.get("/crm/v3/properties/contacts").status()).isEqualTo(200);
            assertThat(HubSpotFakeResource.fake().calls()).hasSize(1);
        } finally {
            resource.stop();
        }
        assertThatThrownBy(HubSpotFakeResource::fake).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void salesforceResourceStartsAFakeWhoseAppMintsSessions() {
        SalesforceFakeResource resource = new SalesforceFakeResource();
        assertThat(resource.start()).as("no application config").isEmpty();
        try {
            FakeClient anon = new FakeClient(SalesforceFakeResource.fake().url());
            FakeClient.Answer token = anon.form(
                    "/services/oauth2/token",
                    "grant_type=client_credentials&client_id="
                            + SalesforceFakeResource.CLIENT_ID + "&client_secret="
                            + SalesforceFakeResource.CLIENT_SECRET);
            assertThat(token.status()).isEqualTo(200);
            FakeClient session = new FakeClient(
                            token.json().path("instance_url").asText())
                    .bearer(token.json().path("access_token").asText());
            assertThat(session.get("/services/data/v62.0/sobjects/Contact/describe")
                            .status())
                    .isEqualTo(200);
        } finally {
            resource.stop();
        }
        assertThatThrownBy(SalesforceFakeResource::fake).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void marketoResourceStartsAFakeWhoseClientGetsTokens() {
        MarketoFakeResource resource = new MarketoFakeResource();
        assertThat(resource.start()).as("no application config").isEmpty();
        try {
            FakeClient anon = new FakeClient(MarketoFakeResource.fake().url());
            FakeClient.Answer token = anon.get("/identity/oauth/token?grant_type=client_credentials&client_id="
                    + MarketoFakeResource.CLIENT_ID + "&client_secret=" + MarketoFakeResource.CLIENT_SECRET);
            assertThat(token.status()).isEqualTo(200);
            FakeClient api = new FakeClient(MarketoFakeResource.fake().url())
                    .bearer(token.json().path("access_token").asText());
            assertThat(api.get("/rest/v1/leads/describe2.json")
                            .json()
                            .path("success")
                            .asBoolean())
                    .isTrue();
        } finally {
            resource.stop();
        }
        assertThatThrownBy(MarketoFakeResource::fake).isInstanceOf(IllegalStateException.class);
    }
}

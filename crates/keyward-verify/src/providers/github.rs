//! GitHub: a user's token (classic `ghp_`, fine-grained `github_pat_`,
//! OAuth `gho_`, user-to-server `ghu_`) reads the authenticated user; an
//! app installation token (`ghs_`) cannot, so it lists the installation's
//! repositories. Errors are `{"message", "documentation_url"}`: a bad
//! token is `401 Bad credentials`; a token lacking a permission is `403
//! Resource not accessible by …` (a 403 rate limit says otherwise).
//! <https://docs.github.com/en/rest/users/users#get-the-authenticated-user>
//! <https://docs.github.com/en/rest/apps/installations#list-repositories-accessible-to-the-app-installation>
//! <https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api>

use serde_json::Value;

use super::{has_array, has_number, has_text, is, text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct GitHub {
    id: &'static str,
    path: &'static str,
    live: fn(&Value) -> bool,
}

pub static USER_TOKEN: GitHub = GitHub {
    id: "github",
    path: "/user",
    live: |body| has_text(body, "/login") && has_number(body, "/id") && has_text(body, "/type"),
};

pub static INSTALLATION_TOKEN: GitHub = GitHub {
    id: "github-installation",
    path: "/installation/repositories?per_page=1",
    live: |body| has_number(body, "/total_count") && has_array(body, "/repositories"),
};

impl Verifier for GitHub {
    fn id(&self) -> &'static str {
        self.id
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.github.com",
            env: "KEYWARD_GITHUB_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get(self.path)
            .bearer(secret)
            .header("accept", "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28")
    }

    fn has_other_instances(&self) -> bool {
        true
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let documented = has_text(body, "/documentation_url");
        let message = text(body, "/message").unwrap_or_default();
        match status {
            200 if (self.live)(body) => Some(Verdict::Live),
            401 if documented && is(body, "/message", "Bad credentials") => Some(Verdict::Invalid),
            403 if documented && message.starts_with("Resource not accessible by") => {
                Some(Verdict::LiveRestricted)
            }
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        let live: &'static [crate::testkit::Sample] = if self.id == "github" {
            &[(
                200,
                r#"{"login":"octocat","id":1,"node_id":"MDQ6VXNlcjE=","type":"User","site_admin":false,"name":"monalisa octocat"}"#,
            )]
        } else {
            &[(
                200,
                r#"{"total_count":1,"repositories":[{"id":1296269,"name":"Hello-World","full_name":"octocat/Hello-World","private":false}]}"#,
            )]
        };
        Samples {
            path: self.path,
            live,
            invalid: &[
                (
                    401,
                    r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}"#,
                ),
                (
                    401,
                    r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#,
                ),
            ],
            restricted: &[(
                403,
                r#"{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com/rest/users/users#get-the-authenticated-user","status":"403"}"#,
            )],
            undecided: &[(
                403,
                r#"{"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}"#,
            )],
            kin: &["github", "github-installation"],
            ..Samples::DEFAULT
        }
    }
}

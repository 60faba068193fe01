#if canImport(Glibc)
import Glibc
#endif
import CPAM
import RoundsUI

/// Re-authenticates the person at the keyboard through PAM, as `login` and `sudo` do: the
/// `rounds` service (/etc/pam.d/rounds; PAM falls back to /etc/pam.d/other without it), its
/// auth and account stacks. Only a password can be answered: a stack that asks for anything
/// more (a one-time code) is reported as unavailable rather than guessed at.
public struct PAMAuthenticator: Authenticator {
    public let service: String

    public init(service: String = "rounds") { self.service = service }

    /// What the conversation hands PAM: the password once, and nothing for other prompts.
    final class Answers {
        var password: [CChar]
        var used = false
        var unanswerable: String?
        init(_ password: String) { self.password = Array(password.utf8CString) }
        /// Overwrites the copy of the password this object holds.
        func wipe() { for i in password.indices { password[i] = 0 } }
    }

    public func authenticate(login: String, password: String) -> Authentication {
        let answers = Answers(password)
        defer { answers.wipe() }
        let box = Unmanaged.passRetained(answers)
        defer { box.release() }
        var conversation = pam_conv(conv: { count, messages, responses, context in
            guard count > 0, let messages, let responses, let context else { return PAM_CONV_ERR }
            let answers = Unmanaged<Answers>.fromOpaque(context).takeUnretainedValue()
            guard let replies = calloc(Int(count), MemoryLayout<pam_response>.size)?.assumingMemoryBound(to: pam_response.self) else { return PAM_BUF_ERR }
            for i in 0..<Int(count) {
                guard let m = messages[i]?.pointee else { continue }
                switch m.msg_style {
                case PAM_PROMPT_ECHO_OFF where !answers.used:
                    answers.used = true
                    replies[i].resp = answers.password.withUnsafeBufferPointer { strdup($0.baseAddress!) }
                case PAM_PROMPT_ECHO_OFF, PAM_PROMPT_ECHO_ON:
                    answers.unanswerable = m.msg.map { String(cString: $0) } ?? "a second prompt"
                    for j in 0..<i { if let r = replies[j].resp { memset(r, 0, strlen(r)); free(r) } }
                    free(replies)
                    return PAM_CONV_ERR
                default:
                    break   // PAM_ERROR_MSG, PAM_TEXT_INFO: nothing to answer
                }
            }
            responses.pointee = replies
            return PAM_SUCCESS
        }, appdata_ptr: box.toOpaque())

        var handle: OpaquePointer?
        let started = pam_start(service, login, &conversation, &handle)
        guard started == PAM_SUCCESS, let handle else {
            return .unavailable("PAM could not start the \(service) service (\(PAMAuthenticator.describe(nil, started)))")
        }
        var rc = pam_authenticate(handle, Int32(PAM_DISALLOW_NULL_AUTHTOK))
        if rc == PAM_SUCCESS { rc = pam_acct_mgmt(handle, Int32(PAM_DISALLOW_NULL_AUTHTOK)) }
        let text = PAMAuthenticator.describe(handle, rc)
        pam_end(handle, rc)
        if let prompt = answers.unanswerable {
            return .unavailable("the \(service) PAM service asks for more than a password (\"\(prompt)\")")
        }
        switch rc {
        case PAM_SUCCESS: return .accepted
        case PAM_AUTH_ERR, PAM_USER_UNKNOWN, PAM_MAXTRIES, PAM_CRED_INSUFFICIENT, PAM_PERM_DENIED:
            return .refused("wrong password")
        case PAM_ACCT_EXPIRED, PAM_NEW_AUTHTOK_REQD:
            return .refused("the account cannot log in now: \(text)")
        default:
            return .unavailable("PAM said: \(text)")
        }
    }

    static func describe(_ handle: OpaquePointer?, _ rc: Int32) -> String {
        guard let s = pam_strerror(handle, rc) else { return "error \(rc)" }
        return String(cString: s)
    }
}

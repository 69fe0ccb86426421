// Errors of content and file handling reach a remote console as `failed` refusals that
// carry the same operator message a local console shows.

extension ContentError: RefusalConvertible {
    public var refusal: Refusal { Refusal(.failed, description) }
}

extension IOError: RefusalConvertible {
    public var refusal: Refusal { Refusal(.failed, description) }
}

import ProfileAdd from './profile/add.js'

/** `tink login` is `tink profile add` under the name people look for first. */
export default class Login extends ProfileAdd {
  static override summary = 'Log in: save a profile with your Tink client credentials (same as tink profile add).'
}

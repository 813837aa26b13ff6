const t=performance.now(); const k = (await import('keytar')).default; console.log('import ms', performance.now()-t, Object.keys(k))
try { console.log(await k.getPassword('tink-auth-cli','x')) } catch (e) { console.log('ERR', JSON.stringify(e.message), e.code, e.constructor.name) }
try { console.log(await k.setPassword('tink-auth-cli','probe:x', 'v')) } catch (e) { console.log('ERR', JSON.stringify(e.message)) }
try { console.log(await k.findCredentials('tink-auth-cli')) } catch (e) { console.log('ERR', JSON.stringify(e.message)) }
try { console.log(await k.deletePassword('tink-auth-cli','probe:x')) } catch (e) { console.log('ERR', JSON.stringify(e.message)) }
